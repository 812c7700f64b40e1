package dev.idmint.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.idmint.id.CounterId;
import dev.idmint.id.HlcId;
import dev.idmint.id.Id;
import dev.idmint.id.SnowflakeId;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code idmint inspect ID...}: decodes IDs, one line each, in the order given. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Decode IDs: a snowflake ID's timestamp (ISO-8601 UTC), worker and sequence; an HLC ID's"
          + " timestamp, lc and node; a counter ID's node and n.",
      "IDs that cannot be decoded are reported on stderr and the exit code is 254; the others are"
          + " still decoded."
    })
final class InspectCommand implements Callable<Integer> {
  @Parameters(
      arity = "1..*",
      paramLabel = "ID",
      description = "Snowflake numbers, <pt>_<lc>_<node> HLC IDs or <node>-<n> counter IDs.")
  List<String> ids;

  @Option(names = "--json", description = "One JSON object per line instead of aligned text.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String[]> rows = new ArrayList<>();
    boolean bad = false;
    for (String text : ids) {
      Id id;
      try {
        id = Id.parse(text);
      } catch (IllegalArgumentException e) {
        err.println("idmint inspect: " + e.getMessage());
        bad = true;
        continue;
      }
      if (json) {
        out.println(json(id));
      } else {
        rows.add(cells(id));
      }
    }
    print(rows, out);
    out.flush();
    err.flush();
    return bad ? Cli.BAD_ARGUMENTS : 0;
  }

  private static String[] cells(Id id) {
    if (id instanceof SnowflakeId s) {
      return new String[] {
        s.toString(),
        "snowflake",
        "timestamp=" + s.timestamp(),
        "worker=" + s.worker(),
        "sequence=" + s.sequence()
      };
    }
    if (id instanceof HlcId h) {
      return new String[] {
        h.toString(), "hlc", "timestamp=" + h.timestamp(), "lc=" + h.lc(), "node=" + h.node()
      };
    }
    CounterId c = (CounterId) id;
    return new String[] {c.toString(), "counter", "node=" + c.node(), "n=" + c.n()};
  }

  /** Pads each column to its widest cell, so that the fields line up. */
  private static void print(List<String[]> rows, PrintWriter out) {
    int[] width = new int[5];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(row[i]);
        if (i < row.length - 1) {
          line.append(" ".repeat(width[i] - row[i].length() + 2));
        }
      }
      out.println(line);
    }
  }

  private static String json(Id id) {
    java.io.StringWriter sw = new java.io.StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(sw)) {
      g.writeStartObject();
      if (id instanceof SnowflakeId s) {
        g.writeNumberField("id", s.value());
        g.writeStringField("scheme", "snowflake");
        g.writeStringField("timestamp", s.timestamp().toString());
        g.writeNumberField("worker", s.worker());
        g.writeNumberField("sequence", s.sequence());
      } else if (id instanceof HlcId h) {
        g.writeStringField("id", h.toString());
        g.writeStringField("scheme", "hlc");
        g.writeStringField("timestamp", h.timestamp().toString());
        g.writeNumberField("pt", h.pt());
        g.writeNumberField("lc", h.lc());
        g.writeStringField("node", h.node());
      } else {
        CounterId c = (CounterId) id;
        g.writeStringField("id", c.toString());
        g.writeStringField("scheme", "counter");
        g.writeStringField("node", c.node());
        g.writeNumberField("n", c.n());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return sw.toString();
  }
}
