package dev.idmint.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast path must mean exactly what jackson-core means, whenever it accepts a line. */
class DecoderEquivalenceTest {
  private static final String[] KEYS = {"src", "dest", "body", "id", "x"};
  private static final String[] BODY_KEYS = {
    "type",
    "msg_id",
    "node_id",
    "node_ids",
    "count",
    "id",
    "ids",
    "offset_ms",
    "remote_pt",
    "remote_lc",
    "extra"
  };
  private static final String[] TYPES = {
    "generate",
    "init",
    "generate_batch",
    "decompose",
    "time_info",
    "verify_ids",
    "hlc_tick",
    "hlc_get",
    "hlc_receive",
    "simulate_backward",
    "parse_hlc_id",
    "compare_ids"
  };

  /** Returns the decoded request, or the failure text. */
  static Object viaJackson(byte[] b) {
    try {
      return new JacksonDecoder().decode(b, 0, b.length, new Fields());
    } catch (MalformedLineException e) {
      return "malformed";
    }
  }

  /** Asserts: if the fast path accepts {@code b}, jackson-core decodes it to the same request. */
  static boolean assertSameMeaning(byte[] b) {
    return fastMeaning(b) != null;
  }

  /** The request the fast path decodes {@code b} to, checked against jackson-core; or null. */
  static Object fastMeaning(byte[] b) {
    Fields f = new Fields();
    if (!new FastDecoder().decode(b, 0, b.length, f)) {
      return null;
    }
    Object fast;
    try {
      fast = f.toRequest();
    } catch (MalformedLineException e) {
      fast = "malformed";
    }
    assertEquals(viaJackson(b), fast, () -> "line: " + new String(b, StandardCharsets.UTF_8));
    return fast;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void fastPath_onGeneratedLines_agreesWithJackson(long seed) {
    Random r = new Random(seed);
    int accepted = 0;
    java.util.Set<Class<?>> kinds = new java.util.HashSet<>();
    for (int k = 0; k < 8_000; k++) {
      String line = envelope(r);
      byte[] b = line.getBytes(StandardCharsets.UTF_8);
      Object fast = fastMeaning(b);
      if (fast != null) {
        accepted++;
        kinds.add(fast.getClass());
      }
      for (int m = 0; m < 3; m++) {
        assertSameMeaning(mutate(b, r));
      }
    }
    // The generator must exercise the fast path, not just the fallback, for every request type.
    assertTrue(accepted > 500, "fast path accepted only " + accepted);
    for (Class<?> kind : Request.class.getPermittedSubclasses()) {
      if (kind != Request.VerifyIds.class) { // its arrays always go to jackson-core
        assertTrue(kinds.contains(kind), "fast path never gave a " + kind.getSimpleName());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13})
  void encodedStrings_decodeToTheSameString(long seed) throws Exception {
    Random r = new Random(seed);
    JsonFactory json = new JsonFactory();
    for (int k = 0; k < 20_000; k++) {
      String s = randomString(r, r.nextInt(12));
      Output out = new Output();
      out.string(s);
      try (JsonParser p = json.createParser(out.toString())) {
        assertEquals(JsonToken.VALUE_STRING, p.nextToken());
        assertEquals(s, p.getText());
      } catch (Exception e) {
        fail("could not decode " + out + " for " + s.chars().boxed().toList(), e);
      }
    }
  }

  static String envelope(Random r) {
    List<String> members = new ArrayList<>();
    for (String key : KEYS) {
      if (key.equals("x") ? r.nextInt(5) != 0 : r.nextInt(20) == 0) {
        continue; // known keys are sometimes absent, unknown ones sometimes present
      }
      String value =
          switch (key) {
            case "body" -> body(r);
            case "id" -> r.nextBoolean() ? Integer.toString(r.nextInt(1000)) : scalar(r);
            case "x" -> scalar(r);
            default -> r.nextInt(15) == 0 ? scalar(r) : quote(name(r));
          };
      members.add(ws(r) + quote(key) + ws(r) + ":" + ws(r) + value + ws(r));
      if (r.nextInt(30) == 0) {
        members.add(members.get(r.nextInt(members.size()))); // duplicate key
      }
    }
    java.util.Collections.shuffle(members, r);
    return ws(r) + "{" + String.join(",", members) + "}" + ws(r);
  }

  private static String body(Random r) {
    if (r.nextInt(25) == 0) { // an init that holds together, rare at random
      String node = name(r);
      return "{"
          + ws(r)
          + "\"type\":\"init\",\"msg_id\":"
          + integer(r)
          + ",\"node_id\":"
          + quote(node)
          + ","
          + ws(r)
          + "\"node_ids\":["
          + quote(node)
          + (r.nextBoolean() ? "," + quote(node + "x") : "")
          + "]}";
    }
    List<String> members = new ArrayList<>();
    String type = r.nextInt(8) == 0 ? name(r) : TYPES[r.nextInt(TYPES.length)];
    String own = // the keys of the type's own fields, usually present
        switch (type) {
          case "init" -> "node_id node_ids";
          case "generate_batch" -> "count";
          case "decompose", "parse_hlc_id" -> "id";
          case "verify_ids" -> "ids";
          case "hlc_receive" -> "remote_pt remote_lc";
          case "simulate_backward" -> "offset_ms";
          default -> "";
        };
    for (String key : BODY_KEYS) {
      boolean absent =
          key.equals("type") || key.equals("msg_id")
              ? r.nextInt(6) == 0
              : own.contains(key) ? r.nextInt(5) == 0 : r.nextInt(7) != 0;
      if (absent) {
        continue;
      }
      String value =
          switch (key) {
            case "type" -> r.nextInt(12) == 0 ? scalar(r) : quote(type);
            case "msg_id", "count", "offset_ms", "remote_pt", "remote_lc" ->
                r.nextInt(12) == 0 ? scalar(r) : integer(r);
            case "id" ->
                r.nextInt(12) == 0
                    ? scalar(r)
                    : r.nextBoolean() ? integer(r) : quote(r.nextBoolean() ? hlcId(r) : name(r));
            case "ids" -> r.nextInt(12) == 0 ? scalar(r) : ids(r);
            case "node_ids" -> r.nextInt(12) == 0 ? scalar(r) : array(r);
            case "extra" -> r.nextBoolean() ? scalar(r) : array(r);
            default -> r.nextInt(12) == 0 ? scalar(r) : quote(name(r));
          };
      members.add(ws(r) + quote(key) + ws(r) + ":" + ws(r) + value + ws(r));
    }
    java.util.Collections.shuffle(members, r);
    return "{" + String.join(",", members) + "}";
  }

  private static String integer(Random r) {
    return switch (r.nextInt(6)) {
      case 0 -> Long.toString(r.nextLong());
      case 1 -> Long.toString(-r.nextInt(100_000));
      case 2 -> Long.toString(r.nextLong() >>> r.nextInt(64));
      default -> Long.toString(r.nextInt(200_000));
    };
  }

  private static String hlcId(Random r) {
    return (r.nextLong() >>> (20 + r.nextInt(44)))
        + "_"
        + r.nextInt(300_000)
        + "_"
        + (r.nextInt(10) == 0 ? "" : name(r));
  }

  private static String ids(Random r) {
    List<String> items = new ArrayList<>();
    int n = r.nextInt(5);
    for (int k = 0; k < n; k++) {
      items.add(ws(r) + (r.nextInt(4) == 0 ? scalar(r) : integer(r)) + ws(r));
    }
    return "[" + String.join(",", items) + "]";
  }

  private static String array(Random r) {
    List<String> items = new ArrayList<>();
    int n = r.nextInt(4);
    for (int k = 0; k < n; k++) {
      items.add(ws(r) + (r.nextInt(8) == 0 ? scalar(r) : quote(name(r))) + ws(r));
    }
    return "[" + String.join(",", items) + "]";
  }

  private static String scalar(Random r) {
    return switch (r.nextInt(9)) {
      case 0 -> "null";
      case 1 -> "true";
      case 2 -> "1.5";
      case 3 -> "-7e2";
      case 4 -> "{\"a\":[1,2]}";
      case 5 -> "[]";
      case 6 -> "123456789012345678901234";
      case 7 -> "-0";
      default -> quote(name(r));
    };
  }

  private static String name(Random r) {
    return r.nextInt(12) == 0
        ? randomString(r, r.nextInt(5))
        : (r.nextBoolean() ? "c" : "n") + r.nextInt(20);
  }

  /** A JSON string literal for {@code s}, sometimes escaping characters that need no escape. */
  private static String quote(String s) {
    Output out = new Output();
    out.string(s);
    return out.toString();
  }

  private static String randomString(Random r, int n) {
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < n; k++) {
      switch (r.nextInt(6)) {
        case 0 -> sb.append((char) r.nextInt(0x20));
        case 1 -> sb.append("\"\\/".charAt(r.nextInt(3)));
        case 2 -> sb.append((char) (0x80 + r.nextInt(0x780)));
        case 3 -> sb.append((char) (0xd800 + r.nextInt(0x800))); // lone surrogates
        case 4 -> sb.appendCodePoint(0x10000 + r.nextInt(0xfffff));
        default -> sb.append((char) (0x20 + r.nextInt(0x5f)));
      }
    }
    return sb.toString();
  }

  private static String ws(Random r) {
    return switch (r.nextInt(8)) {
      case 0 -> " ";
      case 1 -> "\t";
      case 2 -> " \r ";
      default -> "";
    };
  }

  private static byte[] mutate(byte[] b, Random r) {
    byte[] c = b.clone();
    if (c.length == 0) {
      return c;
    }
    int at = r.nextInt(c.length);
    switch (r.nextInt(4)) {
      case 0 -> c[at] = (byte) r.nextInt(256);
      case 1 -> c[at] = (byte) "{}[]\",:\\ 0-.e".charAt(r.nextInt(13));
      case 2 -> c = java.util.Arrays.copyOf(c, at); // truncate
      default -> {
        byte[] d = new byte[c.length - 1];
        System.arraycopy(c, 0, d, 0, at);
        System.arraycopy(c, at + 1, d, at, c.length - at - 1);
        c = d;
      }
    }
    return c;
  }
}
