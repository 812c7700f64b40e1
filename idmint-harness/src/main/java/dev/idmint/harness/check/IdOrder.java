package dev.idmint.harness.check;

import dev.idmint.harness.json.Json;

/**
 * The order in which an instance's IDs should increase: numbers by value, strings in natural order
 * (runs of digits compared as numbers, so {@code "w0-9" < "w0-10"} and decimal strings compare by
 * value), and a number against a string as its decimal against the string.
 */
final class IdOrder {
  private IdOrder() {}

  static int compare(Object a, Object b) {
    if (Json.isInteger(a) && Json.isInteger(b)) {
      return Json.compare(a, b);
    }
    return natural(String.valueOf(a), String.valueOf(b));
  }

  static int natural(String x, String y) {
    int i = 0;
    int j = 0;
    while (i < x.length() && j < y.length()) {
      char c = x.charAt(i);
      char d = y.charAt(j);
      if (isDigit(c) && isDigit(d)) {
        int ie = run(x, i);
        int je = run(y, j);
        int is = skipZeros(x, i, ie);
        int js = skipZeros(y, j, je);
        int byLength = Integer.compare(ie - is, je - js);
        if (byLength != 0) {
          return byLength;
        }
        for (int k = 0; k < ie - is; k++) {
          int byDigit = Character.compare(x.charAt(is + k), y.charAt(js + k));
          if (byDigit != 0) {
            return byDigit;
          }
        }
        i = ie;
        j = je;
      } else {
        if (c != d) {
          return Character.compare(c, d);
        }
        i++;
        j++;
      }
    }
    return Integer.compare(x.length() - i, y.length() - j);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static int run(String s, int from) {
    int k = from;
    while (k < s.length() && isDigit(s.charAt(k))) {
      k++;
    }
    return k;
  }

  private static int skipZeros(String s, int from, int to) {
    int k = from;
    while (k < to - 1 && s.charAt(k) == '0') {
      k++;
    }
    return k;
  }
}
