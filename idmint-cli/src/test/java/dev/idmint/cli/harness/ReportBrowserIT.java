package dev.idmint.cli.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.Tools;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** report.html in a real headless browser, with no network: it renders and the plot is there. */
@Timeout(180)
class ReportBrowserIT {
  @TempDir Path dir;

  @Test
  void report_rendersInChromium_withAPointPerOperation_andShadedFaults() throws Exception {
    Path chromium = Tools.chromium();
    HarnessRun r =
        HarnessRun.run(
            dir.resolve("store"),
            "--bin",
            HarnessRun.fixture("good.py"),
            "--node-count",
            "3",
            "--time-limit",
            "2",
            "--rate",
            "200",
            "--nemesis",
            "partition",
            "--nemesis-interval",
            "0.3",
            "--seed",
            "2");
    assertEquals(0, r.exit, r.toString());
    Path report = r.runDir().resolve("report.html");
    long ops = r.count("stats", "count");

    String dom = browser(chromium, "--dump-dom", report.toUri().toString());
    Matcher m = Pattern.compile("<circle class=\"ok\"").matcher(dom);
    int points = 0;
    while (m.find()) {
      points++;
    }
    assertEquals(ops, points, "one point per operation");
    assertTrue(dom.contains("<svg id=\"latency\""), "latency plot");
    assertTrue(dom.contains("<svg id=\"rate\""), "throughput plot");
    assertTrue(dom.contains("class=\"period partition\""), "partition periods are shaded");
    assertTrue(dom.contains("Everything looks good!"), "verdict");
    assertTrue(
        !Pattern.compile("(src|href)=\"https?:").matcher(Files.readString(report)).find(),
        "nothing is fetched");

    Path png = dir.resolve("shot.png");
    browser(chromium, "--window-size=1000,1200", "--screenshot=" + png, report.toUri().toString());
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(1000, img.getWidth());
    int okBlue = 0;
    int partitionYellow = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y) & 0xffffff;
        okBlue += rgb == 0x81BFFC ? 1 : 0;
        partitionYellow += rgb == 0xE9DCA0 ? 1 : 0;
      }
    }
    assertTrue(okBlue > 500, "ok points are drawn: " + okBlue + " pixels");
    assertTrue(partitionYellow > 50, "partition labels are drawn: " + partitionYellow + " pixels");
  }

  @Test
  void messageFlowDiagram_ofAThousandMessages_rendersReadably_withDropsAndPartitionsMarked()
      throws Exception {
    Path chromium = Tools.chromium();
    HarnessRun r =
        HarnessRun.run(
            dir.resolve("store"),
            "--bin",
            HarnessRun.fixture("good.py"),
            "--node-count",
            "3",
            "--time-limit",
            "4",
            "--rate",
            "200",
            "--nemesis",
            "partition,loss",
            "--nemesis-interval",
            "0.3",
            "--latency",
            "3",
            "--seed",
            "2",
            "--",
            "--gossip");
    assertEquals(0, r.exit, r.toString());
    Path run = r.runDir();
    String svg = Files.readString(run.resolve("messages.svg"));
    assertEquals(1000, count(svg, "<g class=\"msg "), "an arrow for each of the first 1000");
    assertTrue(count(svg, "<g class=\"msg dropped loss") > 0, "loss drops are marked");
    assertTrue(count(svg, "<g class=\"partition\"") > 0, "partitions are shaded");
    for (String lane : List.of(">c3<", ">c4<", ">c5<", ">n0<", ">n1<", ">n2<")) {
      assertTrue(svg.contains(lane), "a lane for " + lane);
    }
    assertTrue(svg.contains(">gossip {"), "arrows carry their type and body");
    assertTrue(svg.contains("text{font:10px"), "text at least 10 px");

    String dom = browser(chromium, "--dump-dom", run.resolve("report.html").toUri().toString());
    assertTrue(dom.contains("<svg id=\"messages\""), "the report embeds the diagram");
    assertEquals(1000, count(dom, "<g class=\"msg "));

    Path png = dir.resolve("flow.png");
    browser(
        chromium,
        "--window-size=900,1600",
        "--screenshot=" + png,
        run.resolve("messages.svg").toUri().toString());
    BufferedImage img = ImageIO.read(png.toFile());
    int clientBlue = 0;
    int droppedRed = 0;
    int band = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y) & 0xffffff;
        clientBlue += rgb == 0x81BFFC ? 1 : 0;
        droppedRed += rgb == 0xD62728 ? 1 : 0;
        band += near(rgb, 0xF5EFD4) ? 1 : 0; // the partition colour at 45% on white
      }
    }
    assertTrue(clientBlue > 2000, "client arrows are drawn: " + clientBlue + " pixels");
    assertTrue(droppedRed > 50, "dropped arrows are drawn: " + droppedRed + " pixels");
    assertTrue(band > 10_000, "partition rows are shaded: " + band + " pixels");
  }

  @Test
  void messageFlowDiagram_givesMaelstromsServicesALaneOfTheirOwn() throws Exception {
    HarnessRun r =
        HarnessRun.run(
            dir.resolve("store"),
            "--bin",
            HarnessRun.fixture("lin_kv_counter.py"),
            "--node-count",
            "2",
            "--time-limit",
            "1",
            "--rate",
            "50",
            "--seed",
            "3");
    assertEquals(0, r.exit, r.toString());
    String svg = Files.readString(r.runDir().resolve("messages.svg"));
    assertTrue(svg.contains(">lin-kv<"), "a lane for lin-kv");
    assertTrue(svg.contains(">cas {"), "cas requests are drawn");
    assertTrue(svg.contains(">cas_ok<"), "and their replies");
  }

  @Test
  void registryReport_rendersALanePerWorker_inEachHoldersColour() throws Exception {
    Path chromium = Tools.chromium();
    Tools.command("etcd", "apt-get install etcd-server");
    HarnessRun r =
        HarnessRun.run(
            dir.resolve("store"),
            "--http",
            "--registry",
            "etcd",
            "--node-count",
            "3",
            "--worker-ids",
            "0-1",
            "--time-limit",
            "3",
            "--rate",
            "100",
            "--seed",
            "2",
            "--bin",
            HarnessRun.fixture("registry_service.py"));
    assertEquals(0, r.exit, r.toString());
    Path report = r.runDir().resolve("report.html");
    String dom = browser(chromium, "--dump-dom", report.toUri().toString());
    assertTrue(dom.contains("<svg id=\"workers-lanes\""), "the lanes");
    assertEquals(2, count(dom, "<g class=\"worker\""), "a lane per worker");
    assertTrue(count(dom, "class=\"held\"") >= 2, "a bar per holder");

    Path png = dir.resolve("lanes.png");
    browser(chromium, "--window-size=1000,3000", "--screenshot=" + png, report.toUri().toString());
    BufferedImage img = ImageIO.read(png.toFile());
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y) & 0xffffff;
        if (rgb == 0x4E79A7 || rgb == 0xF28E2B || rgb == 0x76B7B2) { // n0, n1, n2
          colours.add(rgb);
        }
      }
    }
    assertTrue(colours.size() >= 2, "two holders' bars drawn: " + colours);
  }

  private static boolean near(int rgb, int want) {
    for (int shift = 0; shift <= 16; shift += 8) {
      if (Math.abs(((rgb >> shift) & 0xff) - ((want >> shift) & 0xff)) > 6) {
        return false;
      }
    }
    return true;
  }

  private static int count(String s, String what) {
    int n = 0;
    for (int at = s.indexOf(what); at >= 0; at = s.indexOf(what, at + 1)) {
      n++;
    }
    return n;
  }

  private String browser(Path chromium, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                chromium.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory(dir, "profile")));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("chromium.log").toFile()).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium finished");
    assertEquals(0, p.exitValue(), Files.readString(dir.resolve("chromium.log")));
    return new String(out, StandardCharsets.UTF_8);
  }
}
