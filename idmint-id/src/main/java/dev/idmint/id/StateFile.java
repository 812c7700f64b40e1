package dev.idmint.id;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * One node's durable state: {@code DIR/<node>.state}, a single line such as
 *
 * <pre>idmint-state v=1 node=n1 scheme=counter reserved=8192 crc32=5d5c1ea2</pre>
 *
 * <p>Counters store {@code reserved}: every n issued is below it. Snowflake and HLC generators
 * store {@code lease} (ISO-8601 UTC): no ID issued has a later timestamp. Writes go to a temp file
 * that is fsynced and renamed over the old one, then the directory is fsynced, so a crash leaves
 * the old or the new line, never a mix. Each write is reported as {@link IdEvent.StateWritten}.
 */
final class StateFile {
  static final String MAGIC = "idmint-state";
  static final int VERSION = 1;
  private static final int MAX_SIZE = 4096;
  private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");

  private final Path dir;
  private final Path file;
  private final Path temp;
  private final String node;
  private final Scheme scheme;
  private final Consumer<IdEvent> events;
  private final Executor renewer;

  StateFile(Path dir, String node, Scheme scheme, Consumer<IdEvent> events) {
    this(dir, node, scheme, events, null);
  }

  /**
   * @param renewer where leases are renewed ahead of need; null: by the caller that passes the
   *     renewal point
   */
  StateFile(Path dir, String node, Scheme scheme, Consumer<IdEvent> events, Executor renewer) {
    this.dir = dir;
    this.node = node;
    this.scheme = scheme;
    this.events = events;
    this.renewer = renewer;
    String name = escape(node);
    this.file = dir.resolve(name + ".state");
    this.temp = dir.resolve(name + ".state.tmp");
  }

  Path path() {
    return file;
  }

  /** Where leases are renewed ahead of need, or null for the caller's thread. */
  Executor renewer() {
    return renewer;
  }

  /**
   * A file name for {@code node} that stays inside the directory and cannot collide with another
   * node's: letters, digits, {@code _} and {@code -} as they are, {@code .} too except in front,
   * everything else as {@code %XX} of its UTF-8 bytes.
   */
  static String escape(String node) {
    StringBuilder sb = new StringBuilder(node.length() + 8);
    byte[] bytes = node.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xff;
      boolean plain =
          (b >= 'a' && b <= 'z')
              || (b >= 'A' && b <= 'Z')
              || (b >= '0' && b <= '9')
              || b == '_'
              || b == '-'
              || (b == '.' && i > 0);
      if (plain) {
        sb.append((char) b);
      } else {
        sb.append('%')
            .append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  /** Creates {@code dir} if needed and checks that files can be made in it. */
  static void checkDir(Path dir) {
    if (!Files.isDirectory(dir)) {
      if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw new IdStateException("state dir " + dir + " exists but is not a directory");
      }
      try {
        Files.createDirectories(dir);
      } catch (FileAlreadyExistsException e) {
        throw new IdStateException(
            "cannot create state dir "
                + dir
                + ": "
                + e.getFile()
                + " exists and is not a directory",
            e);
      } catch (IOException | SecurityException e) {
        throw new IdStateException("cannot create state dir " + dir + ": " + reason(e), e);
      }
    }
    // Files.isWritable is not enough (root, read-only mounts): make and remove a file. Not with
    // Files.createTempFile, whose SecureRandom costs tens of milliseconds at start-up; opening an
    // existing probe is as good a proof, so names need not be unique.
    Path probe = dir.resolve(".idmint-probe-" + Long.toHexString(System.nanoTime()) + ".tmp");
    try {
      Files.newByteChannel(probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();
    } catch (IOException | SecurityException e) {
      throw new IdStateException("state dir " + dir + " is not writable: " + reason(e), e);
    } finally {
      try {
        Files.deleteIfExists(probe);
      } catch (IOException | SecurityException ignored) {
        // A stray probe file is harmless; the check itself passed or has already failed.
      }
    }
  }

  /**
   * The value stored, or empty when there is no file yet (a leftover temp file alone means the
   * first write never completed, so no ID depended on it).
   *
   * @throws IdStateException if the file exists but cannot be read or is not a valid state line for
   *     this node and scheme
   */
  OptionalLong read() {
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_SIZE) {
        throw corrupt("larger than " + MAX_SIZE + " bytes, so not a state file");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    } catch (IOException | SecurityException e) {
      throw new IdStateException(
          "cannot read state file " + file + ": " + reason(e) + "; no IDs issued", e);
    }
    return OptionalLong.of(parse(new String(bytes, StandardCharsets.UTF_8)));
  }

  /** Stores {@code value} atomically and durably; on failure the previous file is untouched. */
  void write(long value) {
    byte[] line = format(value).getBytes(StandardCharsets.UTF_8);
    // Measured, not scripted: a duration for metrics, which no ID depends on.
    long start = System.nanoTime();
    try {
      try (FileChannel ch =
          FileChannel.open(
              temp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(line);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      syncDir();
    } catch (IOException | SecurityException e) {
      throw new IdStateException(
          "cannot write state file " + file + ": " + reason(e) + "; no ID was issued", e);
    }
    events.accept(new IdEvent.StateWritten(file, Duration.ofNanos(System.nanoTime() - start)));
  }

  /** Makes the rename durable: without it a crash can bring the old file back. */
  private void syncDir() throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      if (!WINDOWS) { // Windows cannot open directories; its rename is durable on its own.
        throw e;
      }
    }
  }

  String format(long value) {
    String body =
        MAGIC
            + " v="
            + VERSION
            + " node="
            + escape(node)
            + " scheme="
            + scheme
            + " "
            + valueKey()
            + "="
            + (scheme == Scheme.COUNTER
                ? Long.toString(value)
                : Instant.ofEpochMilli(value).toString());
    return body + " crc32=" + crc(body) + "\n";
  }

  private String valueKey() {
    return scheme == Scheme.COUNTER ? "reserved" : "lease";
  }

  long parse(String text) {
    if (text.isEmpty()) {
      throw corrupt("it is empty (a torn write?)");
    }
    if (!text.endsWith("\n") || text.indexOf('\n') != text.length() - 1) {
      throw corrupt("expected one line ending in a newline (a torn write?)");
    }
    String line = text.substring(0, text.length() - 1);
    int crcAt = line.lastIndexOf(" crc32=");
    if (!line.startsWith(MAGIC + " ")) {
      throw corrupt("it does not start with '" + MAGIC + "'");
    }
    if (crcAt < 0) {
      throw corrupt("no crc32 at the end (a torn write?)");
    }
    String body = line.substring(0, crcAt);
    String stored = line.substring(crcAt + " crc32=".length());
    String computed = crc(body);
    if (!stored.equals(computed)) {
      throw corrupt(
          "checksum mismatch (stored "
              + stored
              + ", computed "
              + computed
              + "): a torn write or an edit");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    String[] tokens = body.split(" ");
    for (int i = 1; i < tokens.length; i++) {
      int eq = tokens[i].indexOf('=');
      if (eq <= 0 || fields.put(tokens[i].substring(0, eq), tokens[i].substring(eq + 1)) != null) {
        throw corrupt("bad field '" + tokens[i] + "'");
      }
    }
    if (!String.valueOf(VERSION).equals(fields.get("v"))) {
      throw corrupt(
          "version " + fields.get("v") + " is not one this build reads (" + VERSION + ")");
    }
    String fileScheme = fields.get("scheme");
    if (!scheme.toString().equals(fileScheme)) {
      throw unusable(
          "it was written by the "
              + fileScheme
              + " scheme, and this node runs "
              + scheme
              + "; use another state dir for "
              + scheme
              + " IDs");
    }
    if (!escape(node).equals(fields.get("node"))) {
      throw unusable("it belongs to node '" + fields.get("node") + "', not '" + escape(node) + "'");
    }
    String key = valueKey();
    if (fields.size() != 4 || !fields.containsKey(key)) {
      throw corrupt(
          "expected the fields v, node, scheme and " + key + ", found " + fields.keySet());
    }
    String value = fields.get(key);
    try {
      return scheme == Scheme.COUNTER ? Long.parseLong(value) : Instant.parse(value).toEpochMilli();
    } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
      throw corrupt(
          key
              + "="
              + value
              + " is not "
              + (scheme == Scheme.COUNTER ? "a number" : "an ISO-8601 instant"));
    }
  }

  IdStateException corrupt(String why) {
    return unusable("it is corrupt: " + why);
  }

  IdStateException unusable(String why) {
    return new IdStateException(
        "cannot use state file "
            + file
            + ": "
            + why
            + ". No IDs issued; the file was left as it is"
            + " (fix or move it by hand; without it, restarts may reissue IDs)");
  }

  private static String crc(String body) {
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(StandardCharsets.UTF_8));
    String hex = Long.toHexString(crc.getValue());
    return "0".repeat(8 - hex.length()) + hex;
  }

  static String reason(Exception e) {
    if (e instanceof NoSuchFileException n) {
      return "no such file or directory" + (n.getFile() != null ? " (" + n.getFile() + ")" : "");
    }
    if (e instanceof AccessDeniedException a) {
      return "permission denied" + (a.getFile() != null ? " (" + a.getFile() + ")" : "");
    }
    if (e instanceof FileAlreadyExistsException f) {
      return f.getFile() + " is in the way";
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
