package dev.idmint.node;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON lines as plain values, to compare them as parsed JSON: objects are maps (so key order does
 * not matter), arrays lists, integers BigInteger, other numbers BigDecimal, null {@link #NULL}.
 */
public final class TestJson {
  public static final Object NULL = "<null>";
  private static final JsonFactory FACTORY = new JsonFactory();

  private TestJson() {}

  public static Object parse(String text) {
    try (JsonParser p = FACTORY.createParser(text)) {
      Object v = value(p, p.nextToken());
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("more than one JSON value: " + text);
      }
      return v;
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + text, e);
    }
  }

  /** Parses a line that must be a JSON object. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(String line) {
    return (Map<String, Object>) parse(line);
  }

  /** The body of a Maelstrom message line. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> body(String line) {
    return (Map<String, Object>) object(line).get("body");
  }

  /** {@code body.get(key)} as a long; fails if it is not an integer. */
  public static long integer(Map<String, Object> body, String key) {
    return ((BigInteger) body.get(key)).longValueExact();
  }

  private static Object value(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT:
        {
          Map<String, Object> m = new LinkedHashMap<>();
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (m.put(name, value(p, p.nextToken())) != null) {
              throw new IllegalArgumentException("duplicate key " + name);
            }
          }
          return m;
        }
      case START_ARRAY:
        {
          List<Object> l = new ArrayList<>();
          for (JsonToken u = p.nextToken(); u != JsonToken.END_ARRAY; u = p.nextToken()) {
            l.add(value(p, u));
          }
          return l;
        }
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        return p.getBigIntegerValue();
      case VALUE_NUMBER_FLOAT:
        return new BigDecimal(p.getText());
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return NULL;
      default:
        throw new IllegalArgumentException("unexpected " + t);
    }
  }
}
