package dev.idmint.id;

import java.nio.file.Path;

/** The local registry: a state file per snowflake worker or counter/HLC node, in one directory. */
final class StateDir implements Registry {
  private final Path dir;

  StateDir(Path dir) {
    this.dir = dir;
  }

  @Override
  public Registry.Claim claim(Scheme scheme, String node, int worker) {
    if (scheme == Scheme.SNOWFLAKE && (worker < 0 || worker > SnowflakeId.MAX_WORKER)) {
      throw new IllegalArgumentException(
          "a state dir keeps the state of a given worker (0.."
              + SnowflakeId.MAX_WORKER
              + "), and cannot choose one; got "
              + worker);
    }
    StateFile.checkDir(dir);
    return StateFile.claim(dir, node, worker, scheme);
  }

  Path dir() {
    return dir;
  }

  @Override
  public String toString() {
    return "state dir " + dir;
  }
}
