package dev.idmint.id;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The state dir against the registry contract. */
class StateDirRegistryTest extends RegistryContract {
  @TempDir Path dir;

  @Override
  protected Registry registry() {
    return Registry.stateDir(dir);
  }

  @Override
  protected boolean choosesWorkers() {
    return false;
  }

  @Override
  protected boolean keepsNodes() {
    return true;
  }

  /** An OS lock lasts as long as its process: only closing the claim gives it up. */
  @Override
  protected void takeAway(Registry.Claim claim) {
    claim.close();
  }
}
