package dev.idmint.harness.maelstrom;

import dev.idmint.harness.json.Json;
import dev.idmint.harness.json.JsonMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Maelstrom's built-in services ({@code maelstrom.service}), with its semantics and error codes:
 * {@code lin-kv} (linearizable key-value store), {@code seq-kv} (sequentially consistent, serving
 * past states), {@code lww-kv} (last-write-wins, intentionally pathological) and {@code lin-tso}
 * (timestamp oracle). One instance is driven by one thread; {@link #handle} is not thread-safe.
 */
abstract class MaelstromServices {
  /** The services Maelstrom starts for every workload, by node id. */
  static final List<String> NAMES = List.of("lin-kv", "seq-kv", "lww-kv", "lin-tso");

  /** Thrown for a request the service has no case for: Maelstrom's service drops it, no reply. */
  static final class Unhandled extends Exception {
    private static final long serialVersionUID = 1L;

    Unhandled(String message) {
      super(message);
    }
  }

  /**
   * Handles one request from {@code client} (the sending node's id).
   *
   * @return the reply body without {@code in_reply_to}
   * @throws Unhandled where Maelstrom's service throws, logs a warning and sends nothing
   */
  abstract Map<String, Object> handle(String client, Map<String, Object> body) throws Unhandled;

  static MaelstromServices create(String name, RandomGenerator random) {
    return switch (name) {
      case "lin-kv" -> new Linearizable(Kv.EMPTY);
      case "seq-kv" -> new Sequential(Kv.EMPTY, random);
      case "lww-kv" -> new Eventual(2, random);
      case "lin-tso" -> new Linearizable(new Tso(0));
      default -> throw new IllegalArgumentException(name);
    };
  }

  /** A service state that a request turns into a new state and a reply. */
  interface State {
    Step handle(Map<String, Object> body) throws Unhandled;
  }

  /** The state after a request, and the reply. */
  record Step(State next, Map<String, Object> reply) {}

  static Object field(Map<String, Object> body, String key) {
    Object v = body.get(key);
    return v == null ? Json.NULL : v; // absent and null are both nil to Clojure
  }

  static Map<String, Object> reply(Object... kv) {
    return JsonMap.of(kv);
  }

  static Map<String, Object> error(int code, String text) {
    return reply("type", "error", "code", (long) code, "text", text);
  }

  static String type(Map<String, Object> body) throws Unhandled {
    Object t = body.get("type");
    if (t instanceof String s) {
      return s;
    }
    throw new Unhandled("a request without a string type");
  }

  /** A read: the value, or key-does-not-exist. */
  static Step read(State s, Map<Object, Object> m, Object k) {
    return new Step(
        s, m.containsKey(k) ? reply("type", "read_ok", "value", m.get(k)) : keyMissing());
  }

  static Map<String, Object> keyMissing() {
    return error(ErrorCode.KEY_DOES_NOT_EXIST, "key does not exist");
  }

  static Unhandled noCase(String service, String type) {
    return new Unhandled("no case for a request of type \"" + type + "\" in " + service);
  }

  /**
   * Maelstrom's {@code PersistentKV}: read, write, and cas with {@code create_if_not_exists}; keys
   * and values are any JSON, compared with Clojure's equality. Immutable: each change is a copy.
   */
  record Kv(Map<Object, Object> m) implements State {
    static final Kv EMPTY = new Kv(Map.of());

    @Override
    public Step handle(Map<String, Object> body) throws Unhandled {
      Object k = field(body, "key");
      String type = type(body);
      switch (type) {
        case "read":
          return read(this, m, k);
        case "write":
          return new Step(with(k, field(body, "value")), reply("type", "write_ok"));
        case "cas":
          {
            Object from = field(body, "from");
            if (m.containsKey(k)) {
              if (from.equals(m.get(k))) {
                return new Step(with(k, field(body, "to")), reply("type", "cas_ok"));
              }
              return new Step(
                  this,
                  error(
                      ErrorCode.PRECONDITION_FAILED,
                      "current value " + Json.edn(m.get(k)) + " is not " + Json.edn(from)));
            }
            if (Boolean.TRUE.equals(body.get("create_if_not_exists"))) {
              return new Step(with(k, field(body, "to")), reply("type", "cas_ok"));
            }
            return new Step(this, keyMissing());
          }
        default:
          throw noCase("a key-value store", type);
      }
    }

    private Kv with(Object k, Object v) {
      Map<Object, Object> next = new HashMap<>(m);
      next.put(k, v);
      return new Kv(next);
    }
  }

  /** Maelstrom's {@code PersistentTSO}: timestamps 0, 1, 2, ..., one per {@code ts} request. */
  record Tso(long ts) implements State {
    @Override
    public Step handle(Map<String, Object> body) throws Unhandled {
      String type = type(body);
      if (!type.equals("ts")) {
        throw noCase("a timestamp oracle", type);
      }
      return new Step(new Tso(ts + 1), reply("type", "ts_ok", "ts", ts));
    }
  }

  /** Maelstrom's {@code Linearizable}: one state, each request applied to it in turn. */
  static final class Linearizable extends MaelstromServices {
    private State state;

    Linearizable(State initial) {
      this.state = initial;
    }

    @Override
    Map<String, Object> handle(String client, Map<String, Object> body) throws Unhandled {
      Step s = state.handle(body);
      state = s.next();
      return s.reply();
    }
  }

  /**
   * Maelstrom's {@code Sequential} over the last 32 states: a request is tried on a random state no
   * older than the one its client last saw; if it would change that state, it runs on the newest
   * state instead, which it then extends. So every client sees a monotonic sequence of states,
   * reads may be stale, and one client's write may be ordered before another's older read.
   */
  static final class Sequential extends MaelstromServices {
    static final int BUFFER = 32;

    private final RandomGenerator random;
    private final ArrayList<State> buffer = new ArrayList<>(); // oldest first
    private long lastIndex;
    private final Map<String, Long> clients = new HashMap<>();

    Sequential(State initial, RandomGenerator random) {
      this.random = random;
      buffer.add(initial);
    }

    @Override
    Map<String, Object> handle(String client, Map<String, Object> body) throws Unhandled {
      long clientIndex = clients.getOrDefault(client, 0L);
      long index = clientIndex + random.nextLong(lastIndex - clientIndex + 1);
      // Maelstrom takes the state at (index - lastIndex - 1) from the end of its ring buffer; an
      // index older than the buffer keeps wraps around it (amalloy's nth is modular), onto a kept
      // state newer than any the client saw. So does this.
      State past = buffer.get(Math.floorMod(index - lastIndex - 1, buffer.size()));
      Step s = past.handle(body);
      if (s.next().equals(past)) {
        clients.put(client, index);
        return s.reply();
      }
      Step latest = buffer.get(buffer.size() - 1).handle(body);
      lastIndex++;
      buffer.add(latest.next());
      if (buffer.size() > BUFFER) {
        buffer.remove(0);
      }
      clients.put(client, lastIndex);
      return latest.reply();
    }
  }

  /**
   * Maelstrom's {@code lww-kv}: {@code Eventual} over two {@code LWWKV} replicas, each request
   * applied to a random one. Maelstrom also merges a random replica into another on every request,
   * but its next binding starts again from the unmerged replicas, so the merge is lost: replicas
   * never converge. That is what it does, so that is what this does.
   */
  static final class Eventual extends MaelstromServices {
    private final RandomGenerator random;
    private final Lww[] replicas;

    Eventual(int n, RandomGenerator random) {
      this.random = random;
      this.replicas = new Lww[n];
      java.util.Arrays.fill(replicas, Lww.EMPTY);
    }

    @Override
    Map<String, Object> handle(String client, Map<String, Object> body) throws Unhandled {
      random.nextInt(replicas.length); // merge source and
      random.nextInt(replicas.length); // merge destination, drawn and discarded as there
      int i = random.nextInt(replicas.length);
      Step s = replicas[i].handle(body);
      replicas[i] = (Lww) s.next();
      return s.reply();
    }
  }

  /**
   * Maelstrom's {@code LWWKV}: values stamped with a Lamport clock that ticks on every update. Its
   * cas ignores {@code create_if_not_exists}, and its precondition-failed text prints the expected
   * value without quotes, as Maelstrom's does.
   */
  record Lww(long clock, Map<Object, Object> m) implements State {
    static final Lww EMPTY = new Lww(0, Map.of());

    @Override
    public Step handle(Map<String, Object> body) throws Unhandled {
      Object k = field(body, "key");
      String type = type(body);
      switch (type) {
        case "read":
          return read(this, m, k);
        case "write":
          return new Step(with(k, field(body, "value")), reply("type", "write_ok"));
        case "cas":
          if (!m.containsKey(k)) {
            return new Step(this, keyMissing());
          }
          Object from = field(body, "from");
          if (from.equals(m.get(k))) {
            return new Step(with(k, field(body, "to")), reply("type", "cas_ok"));
          }
          return new Step(
              this,
              error(
                  ErrorCode.PRECONDITION_FAILED,
                  "current value " + Json.edn(m.get(k)) + " is not " + Json.ednStr(from)));
        default:
          throw noCase("a key-value store", type);
      }
    }

    private Lww with(Object k, Object v) {
      Map<Object, Object> next = new LinkedHashMap<>(m);
      next.put(k, v); // the value's timestamp is the clock, which matters only to a merge
      return new Lww(clock + 1, next);
    }
  }
}
