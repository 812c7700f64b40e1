package dev.idmint.id;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Makes {@link IdGenerator}s. */
public final class IdFactory {
  private IdFactory() {}

  /** Checks that {@code dir} exists or can be made, and is writable. */
  public static void checkStateDir(Path dir) {}

  public static Builder builder() {
    return new Builder();
  }

  /** Settings for a generator. */
  public static final class Builder {
    private Scheme scheme = Scheme.COUNTER;
    private String nodeId;

    Builder() {}

    public Builder scheme(Scheme scheme) {
      this.scheme = scheme;
      return this;
    }

    public Builder node(String nodeId, List<String> nodeIds) {
      this.nodeId = nodeId;
      return this;
    }

    public Builder workerId(Integer workerId) {
      return this;
    }

    public Builder stateDir(Path dir) {
      return this;
    }

    public IdGenerator build() {
      // Interim: in-memory counter only, until the ID-schemes work lands.
      String node = nodeId;
      AtomicLong next = new AtomicLong();
      return new IdGenerator() {
        @Override
        public Scheme scheme() {
          return scheme;
        }

        @Override
        public long nextLong() {
          return next.getAndIncrement();
        }

        @Override
        public Id next() {
          return new CounterId(node, nextLong());
        }
      };
    }
  }
}
