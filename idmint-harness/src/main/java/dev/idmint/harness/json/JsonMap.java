package dev.idmint.harness.json;

import java.util.LinkedHashMap;
import java.util.Map;

/** JSON objects as the harness writes them: maps in key order, numbers rounded for people. */
public final class JsonMap {
  private JsonMap() {}

  /** A map in the given key, value order. */
  public static Map<String, Object> of(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  /** Nanoseconds as seconds, to the microsecond. */
  public static double seconds(long nanos) {
    return round(nanos / 1e9, 6);
  }

  public static double round(double v, int places) {
    double f = Math.pow(10, places);
    return Math.round(v * f) / f;
  }
}
