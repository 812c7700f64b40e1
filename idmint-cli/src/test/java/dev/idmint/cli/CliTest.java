package dev.idmint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CliTest {
  @ParameterizedTest
  @ValueSource(strings = {"node", "serve"})
  void unknownScheme_isExit254_namingTheFlagAndTheSchemes(String command) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Cli.run(
            new String[] {command, "--scheme", "uuid"},
            new PrintWriter(out, true),
            new PrintWriter(err, true));
    assertEquals(Cli.BAD_ARGUMENTS, code);
    assertEquals("", out.toString());
    assertEquals(
        "idmint: Invalid value for option '--scheme': unknown scheme 'uuid' (expected counter,"
            + " snowflake or hlc)\n"
            + "Try 'idmint "
            + command
            + " --help'.\n",
        err.toString());
  }
}
