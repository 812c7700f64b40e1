package dev.idmint.harness.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The harness's JSON value model: plain Java values, chosen so that {@code equals} is Clojure's
 * {@code =} on what Cheshire would parse (Maelstrom's JSON reader).
 *
 * <ul>
 *   <li>object: {@code LinkedHashMap<String, Object>}; array: {@code ArrayList<Object>}
 *   <li>string: {@code String}; true/false: {@code Boolean}; null: {@link #NULL}
 *   <li>integer: {@code Long}, or {@code BigInteger} beyond 64 bits (as Clojure, 1 equals 1N)
 *   <li>fraction or exponent: {@code Double}, -0.0 folded into 0.0 (Clojure: {@code (= 0.0 -0.0)});
 *       so 1 and 1.0 differ, as in Clojure
 * </ul>
 */
public final class Json {
  private Json() {}

  /** JSON null; a distinct object so it can be a map key and a list element. */
  public static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  public static final JsonFactory FACTORY =
      JsonFactory.builder()
          // Node output is untrusted: bound what one line may make us allocate.
          .streamReadConstraints(
              StreamReadConstraints.builder().maxNestingDepth(200).maxStringLength(1 << 20).build())
          .build();

  /** Thrown when a JSON text cannot be parsed; the message says why. */
  public static final class ParseException extends Exception {
    private static final long serialVersionUID = 1L;

    public ParseException(String message) {
      super(message);
    }
  }

  /**
   * Parses exactly one JSON value filling {@code bytes[off, off+len)} (whitespace around is fine).
   */
  public static Object parse(byte[] bytes, int off, int len) throws ParseException {
    try (JsonParser p = FACTORY.createParser(bytes, off, len)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new ParseException("empty line");
      }
      Object v = read(p, t);
      if (p.nextToken() != null) {
        throw new ParseException("more than one JSON value on the line");
      }
      return v;
    } catch (IOException e) {
      throw new ParseException(shortMessage(e));
    }
  }

  public static Object parse(String s) throws ParseException {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return parse(b, 0, b.length);
  }

  /** Reads the value starting at the current token {@code t}. */
  public static Object read(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT:
        {
          LinkedHashMap<String, Object> m = new LinkedHashMap<>();
          String k;
          while ((k = p.nextFieldName()) != null) {
            m.put(k, read(p, p.nextToken()));
          }
          return m;
        }
      case START_ARRAY:
        {
          ArrayList<Object> l = new ArrayList<>();
          JsonToken e;
          while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
            l.add(read(p, e));
          }
          return l;
        }
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
            ? normalize(p.getBigIntegerValue())
            : (Object) p.getLongValue();
      case VALUE_NUMBER_FLOAT:
        {
          double d = p.getDoubleValue();
          return d == 0.0 ? 0.0 : d;
        }
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return NULL;
      default:
        throw new IOException("unexpected " + t);
    }
  }

  private static Object normalize(BigInteger b) {
    return b.bitLength() < 64 ? (Object) b.longValue() : b;
  }

  public static boolean isInteger(Object v) {
    return v instanceof Long || v instanceof BigInteger;
  }

  /** The JSON type of {@code v}, as the docs and messages name it. */
  static String typeName(Object v) {
    if (v instanceof String) {
      return "string";
    } else if (isInteger(v)) {
      return "integer";
    } else if (v instanceof Double) {
      return "float";
    } else if (v instanceof Boolean) {
      return "boolean";
    } else if (v instanceof List) {
      return "array";
    } else if (v instanceof Map) {
      return "object";
    } else {
      return "null";
    }
  }

  /** Writes {@code v} with {@code g}. */
  public static void write(JsonGenerator g, Object v) throws IOException {
    if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof Long l) {
      g.writeNumber(l);
    } else if (v instanceof BigInteger b) {
      g.writeNumber(b);
    } else if (v instanceof Double d) {
      if (d.isInfinite() || d.isNaN()) {
        g.writeString(
            d.toString()); // JSON has no infinities; Cheshire would not have made one either
      } else {
        g.writeNumber(d);
      }
    } else if (v instanceof Integer i) {
      g.writeNumber(i);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof java.util.Collection<?> l) {
      g.writeStartArray();
      for (Object e : l) {
        write(g, e);
      }
      g.writeEndArray();
    } else if (v instanceof Map<?, ?> m) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        write(g, e.getValue());
      }
      g.writeEndObject();
    } else if (v == null || v == NULL) {
      g.writeNull();
    } else {
      throw new IllegalArgumentException("not a JSON value: " + v.getClass());
    }
  }

  /** Compact JSON text of {@code v}. */
  public static String toJson(Object v) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(w)) {
      write(g, v);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  /**
   * Clojure's {@code pr-str} of a value Cheshire parsed: strings quoted, {@code nil}, vectors as
   * {@code [1 2]}, maps as <code>{"a" 1, "b" 2}</code>; how Maelstrom's services quote values in
   * their error texts.
   */
  public static String edn(Object v) {
    StringBuilder b = new StringBuilder();
    edn(b, v);
    return b.toString();
  }

  /** Clojure's {@code str}: as {@link #edn}, but a string as itself and nil as nothing. */
  public static String ednStr(Object v) {
    return v instanceof String s ? s : v == NULL || v == null ? "" : edn(v);
  }

  private static void edn(StringBuilder b, Object v) {
    if (v instanceof String s) {
      b.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> b.append("\\\"");
          case '\\' -> b.append("\\\\");
          case '\n' -> b.append("\\n");
          case '\t' -> b.append("\\t");
          case '\r' -> b.append("\\r");
          case '\f' -> b.append("\\f");
          case '\b' -> b.append("\\b");
          default -> b.append(c);
        }
      }
      b.append('"');
    } else if (v instanceof BigInteger n) {
      b.append(n).append('N');
    } else if (v instanceof List<?> l) {
      b.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) {
          b.append(' ');
        }
        edn(b, l.get(i));
      }
      b.append(']');
    } else if (v instanceof Map<?, ?> m) {
      b.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          b.append(", ");
        }
        first = false;
        edn(b, e.getKey());
        b.append(' ');
        edn(b, e.getValue());
      }
      b.append('}');
    } else if (v == NULL || v == null) {
      b.append("nil");
    } else {
      b.append(v); // Long, Double and Boolean print as Java prints them
    }
  }

  /** Thrown by {@link #compare} where Clojure's {@code compare} throws (a ClassCastException). */
  public static final class IncomparableException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Object a;
    final transient Object b;

    IncomparableException(Object a, Object b) {
      super(toJson(a) + " (" + typeName(a) + ") and " + toJson(b) + " (" + typeName(b) + ")");
      this.a = a;
      this.b = b;
    }
  }

  /**
   * Clojure's {@code compare} (clojure.lang.Util.compare): nil sorts first; numbers compare by
   * value across integer and float; strings by UTF-16 units; false before true; vectors by length,
   * then element by element until one differs. Anything else (string vs number, two objects, ...)
   * throws {@link IncomparableException}.
   */
  public static int compare(Object a, Object b) {
    if (a == b) {
      return 0;
    }
    if (a == NULL) {
      return -1;
    }
    if (b == NULL) {
      return 1;
    }
    if (isNumber(a)) {
      if (!isNumber(b)) {
        throw new IncomparableException(a, b);
      }
      return compareNumbers(a, b);
    }
    if (a instanceof String s && b instanceof String t) {
      return s.compareTo(t);
    }
    if (a instanceof Boolean x && b instanceof Boolean y) {
      return x.compareTo(y);
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return x.size() < y.size() ? -1 : 1;
      }
      for (int i = 0; i < x.size(); i++) {
        int c = compare(x.get(i), y.get(i));
        if (c != 0) {
          return c;
        }
      }
      return 0;
    }
    throw new IncomparableException(a, b);
  }

  private static boolean isNumber(Object v) {
    return v instanceof Long || v instanceof BigInteger || v instanceof Double;
  }

  private static int compareNumbers(Object a, Object b) {
    if (a instanceof Long x && b instanceof Long y) {
      return Long.compare(x, y);
    }
    if (a instanceof Double || b instanceof Double) {
      // Clojure compares a double with any other number as doubles.
      return Double.compare(((Number) a).doubleValue(), ((Number) b).doubleValue());
    }
    return big(a).compareTo(big(b));
  }

  private static BigInteger big(Object v) {
    return v instanceof BigInteger b ? b : BigInteger.valueOf((Long) v);
  }

  /** Jackson's message without the source-location noise. */
  public static String shortMessage(IOException e) {
    String m = e.getMessage();
    if (m == null) {
      return e.getClass().getSimpleName();
    }
    for (String noise : new String[] {"\n at [Source", ": was expecting", "\n"}) {
      int at = m.indexOf(noise);
      if (at >= 0) {
        m = m.substring(0, at);
      }
    }
    return m;
  }
}
