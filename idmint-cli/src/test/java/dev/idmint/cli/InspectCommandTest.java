package dev.idmint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class InspectCommandTest {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    String[] full = new String[args.length + 1];
    full[0] = "inspect";
    System.arraycopy(args, 0, full, 1, args.length);
    CommandLine cmd = Cli.commandLine(full);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(full);
  }

  static long snowflake(String time, int worker, int sequence) {
    long t =
        Instant.parse(time).toEpochMilli() - Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
    return t << 22 | (long) worker << 12 | sequence;
  }

  @Test
  void decodesBothSchemes_inAlignedColumns() {
    long a = snowflake("2026-03-30T12:34:56.789Z", 3, 17);
    long b = snowflake("2024-01-01T00:00:01Z", 1023, 4095);
    assertEquals(296985650429702161L, a);
    assertEquals(4198498303L, b);
    assertEquals(0, run(Long.toString(a), "n1-42", Long.toString(b), "eu-west-1-0"));
    assertEquals(
        "296985650429702161  snowflake  timestamp=2026-03-30T12:34:56.789Z  worker=3     sequence=17\n"
            + "n1-42               counter    node=n1                             n=42\n"
            + "4198498303          snowflake  timestamp=2024-01-01T00:00:01Z      worker=1023  sequence=4095\n"
            + "eu-west-1-0         counter    node=eu-west-1                      n=0\n",
        out.toString().replace(System.lineSeparator(), "\n"));
    assertEquals("", err.toString());
  }

  @Test
  void decodesHlcIds_besideTheOthers() {
    assertEquals(0, run("1704067200001_3_n2", "n1-42", "1764079200000_262143_eu_west-1"));
    assertEquals(
        "1704067200001_3_n2              hlc      timestamp=2024-01-01T00:00:00.001Z  lc=3       node=n2\n"
            + "n1-42                           counter  node=n1                             n=42\n"
            + "1764079200000_262143_eu_west-1  hlc      timestamp=2025-11-25T14:00:00Z      lc=262143  node=eu_west-1\n",
        out.toString().replace(System.lineSeparator(), "\n"));
    assertEquals(0, run("--json", "1704067200001_3_n2"));
    assertEquals(
        "{\"id\":\"1704067200001_3_n2\",\"scheme\":\"hlc\",\"timestamp\":\"2024-01-01T00:00:00.001Z\","
            + "\"pt\":1704067200001,\"lc\":3,\"node\":\"n2\"}\n",
        out.toString().replace(System.lineSeparator(), "\n").lines().skip(3).findFirst().orElse("")
            + "\n");
  }

  @Test
  void badArguments_areReported_andTheOthersStillDecoded() {
    assertEquals(Cli.BAD_ARGUMENTS, run("n1-x", "0", "-5", "99999999999999999999", "1_02_n1"));
    assertEquals(
        "0  snowflake  timestamp=2024-01-01T00:00:00Z  worker=0  sequence=0\n",
        out.toString().replace(System.lineSeparator(), "\n"));
    assertEquals(
        "idmint inspect: 'n1-x' is not a counter ID: 'x' after the last '-' is not a number\n"
            + "idmint inspect: '-5' is not an ID: negative numbers are never IDs\n"
            + "idmint inspect: '99999999999999999999' is not an ID: the number is larger than 9223372036854775807\n"
            + "idmint inspect: '1_02_n1' is not an HLC ID: lc '02' has leading zeros\n",
        err.toString().replace(System.lineSeparator(), "\n"));
  }

  @Test
  void json_printsOneObjectPerId() {
    long a = snowflake("2026-03-30T12:34:56.789Z", 3, 17);
    assertEquals(0, run("--json", Long.toString(a), "n1-42"));
    assertEquals(
        "{\"id\":"
            + a
            + ",\"scheme\":\"snowflake\",\"timestamp\":\"2026-03-30T12:34:56.789Z\",\"worker\":3,\"sequence\":17}\n"
            + "{\"id\":\"n1-42\",\"scheme\":\"counter\",\"node\":\"n1\",\"n\":42}\n",
        out.toString().replace(System.lineSeparator(), "\n"));
  }

  @Test
  void noIds_isABadArgument() {
    assertEquals(2, run()); // picocli's usage error; Cli.run maps it to BAD_ARGUMENTS
    assertEquals("", out.toString());
  }
}
