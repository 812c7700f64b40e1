package dev.idmint.serve;

import static io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The parameters of {@code /v1/ids}, from the query string and a form body: {@code count} (1 to the
 * max), {@code format} ({@code string} or {@code number}) and {@code after} (an ID seen elsewhere,
 * which every ID issued must exceed; null without it). Anything else is a 400 that says what is
 * allowed: a misspelt {@code cuont=5} must not quietly give one ID.
 */
record IdsQuery(int count, boolean numbers, String after) {
  static final IdsQuery DEFAULT = new IdsQuery(1, false, null);

  /**
   * @param query the raw query string (after {@code ?}), or null
   * @param form a form body ({@code count=3&format=number}), or null
   * @throws ApiException 400, saying what is wrong
   */
  static IdsQuery parse(String query, String form, int maxCount) {
    if ((query == null || query.isEmpty()) && (form == null || form.isEmpty())) {
      return DEFAULT;
    }
    String[] seen = new String[3]; // count, format, after
    parsePairs(query, seen);
    parsePairs(form, seen);
    int count = 1;
    if (seen[0] != null) {
      count = count(seen[0], maxCount);
    }
    boolean numbers = false;
    if (seen[1] != null) {
      switch (seen[1]) {
        case "string" -> numbers = false;
        case "number" -> numbers = true;
        default ->
            throw new ApiException(
                BAD_REQUEST, "format must be string or number, got '" + Json.clip(seen[1]) + "'");
      }
    }
    if (seen[2] != null && seen[2].isEmpty()) {
      throw new ApiException(BAD_REQUEST, "after must be an ID, got nothing");
    }
    return count == 1 && !numbers && seen[2] == null
        ? DEFAULT
        : new IdsQuery(count, numbers, seen[2]);
  }

  private static void parsePairs(String s, String[] seen) {
    if (s == null || s.isEmpty()) {
      return;
    }
    int start = 0;
    while (start <= s.length()) {
      int amp = s.indexOf('&', start);
      int end = amp < 0 ? s.length() : amp;
      if (end > start) {
        int eq = s.indexOf('=', start);
        if (eq < 0 || eq > end) {
          eq = end;
        }
        String name = decode(s.substring(start, eq));
        String value = eq < end ? decode(s.substring(eq + 1, end)) : "";
        int slot =
            switch (name) {
              case "count" -> 0;
              case "format" -> 1;
              case "after" -> 2;
              default ->
                  throw new ApiException(
                      BAD_REQUEST,
                      "unknown parameter '"
                          + Json.clip(name)
                          + "' (parameters: count=1.., format=string|number, after=<id>)");
            };
        if (seen[slot] != null) {
          throw new ApiException(BAD_REQUEST, "parameter '" + name + "' is given twice");
        }
        seen[slot] = value;
      }
      if (amp < 0) {
        break;
      }
      start = amp + 1;
    }
  }

  private static String decode(String s) {
    if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
      return s;
    }
    try {
      return QueryStringDecoder.decodeComponent(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ApiException(
          BAD_REQUEST, "bad percent-encoding in '" + Json.clip(s) + "': " + e.getMessage());
    }
  }

  /** A decimal integer without leading zeros, like the IDs: {@code 007} is not a count. */
  private static int count(String v, int max) {
    boolean digits = !v.isEmpty() && v.length() <= 9 && (v.length() == 1 || v.charAt(0) != '0');
    for (int i = 0; digits && i < v.length(); i++) {
      digits = v.charAt(i) >= '0' && v.charAt(i) <= '9';
    }
    int n = digits ? Integer.parseInt(v) : -1;
    if (n < 1 || n > max) {
      throw new ApiException(
          BAD_REQUEST,
          "count must be an integer from 1 to " + max + ", got '" + Json.clip(v) + "'");
    }
    return n;
  }
}
