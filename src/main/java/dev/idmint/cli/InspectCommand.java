package dev.idmint.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the ID schemes land. */
@Command(name = "inspect", description = "Decode IDs.")
final class InspectCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("idmint inspect: not implemented yet");
    return 255;
  }
}
