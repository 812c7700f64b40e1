package dev.idmint.harness.run;

import dev.idmint.harness.config.Fault;
import dev.idmint.harness.platform.Console;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * The live progress line on stderr: redrawn in place on a terminal, else a plain line every 2 s.
 */
public final class Progress {
  private final Console console;
  private final Workload workload;
  private final Nemesis nemesis;
  private volatile boolean done;
  private Thread thread;

  public Progress(Console console, Workload workload, Nemesis nemesis) {
    this.console = console;
    this.workload = workload;
    this.nemesis = nemesis;
  }

  public void start(long t0, long end) {
    long period =
        console.terminal() ? TimeUnit.MILLISECONDS.toNanos(250) : TimeUnit.SECONDS.toNanos(2);
    thread =
        new Thread(
            () -> {
              long lastAt = t0;
              long lastOps = 0;
              long next = t0 + period;
              while (!done) {
                long now = System.nanoTime();
                if (now < next) {
                  java.util.concurrent.locks.LockSupport.parkNanos(this, next - now);
                  continue;
                }
                next += period;
                Workload.Live live = workload.live();
                double rate = (live.invoked() - lastOps) / ((now - lastAt) / 1e9);
                lastOps = live.invoked();
                lastAt = now;
                String what =
                    now < end
                        ? fmtRate(rate)
                        : "finishing: "
                            + live.outstanding()
                            + " requests still out (each waits up to 5 s)";
                print(line(now - t0, what, live));
              }
            },
            "progress");
    thread.setDaemon(true);
    thread.start();
  }

  public void stop() throws InterruptedException {
    done = true;
    if (thread != null) {
      java.util.concurrent.locks.LockSupport.unpark(thread);
      thread.join();
    }
    console.clearStatus();
  }

  private static String fmtRate(double r) {
    return String.format(Locale.ROOT, "%6.0f ops/s", r);
  }

  private String line(long elapsed, String rate, Workload.Live live) {
    StringJoiner faults = new StringJoiner("; ");
    for (Map.Entry<Fault, String> e : nemesis.activeFaults().entrySet()) {
      faults.add(e.getKey().label() + " " + e.getValue());
    }
    return String.format(
        Locale.ROOT,
        "%6.1fs %s  ok %d  info %d  fail %d  | %s",
        elapsed / 1e9,
        rate,
        live.ok(),
        live.info(),
        live.fail(),
        faults.length() == 0 ? "no faults" : faults.toString());
  }

  private void print(String line) {
    if (console.terminal()) {
      // A wrapped line cannot be redrawn in place: keep it within the terminal's width.
      int width = 100;
      try {
        width = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "100").trim());
      } catch (NumberFormatException e) {
        // keep the default
      }
      console.status(
          line.length() < width ? line : line.substring(0, Math.max(20, width - 2)) + "…");
    } else {
      console.status(line);
    }
  }
}
