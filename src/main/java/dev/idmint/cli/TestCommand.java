package dev.idmint.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the harness lands. */
@Command(name = "test", description = "Run a local Maelstrom-compatible unique-ids test.")
final class TestCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("idmint test: not implemented yet");
    return 255;
  }
}
