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
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.zip.CRC32;

/**
 * One worker's or node's durable state, the local {@link Registry.Claim}: {@code
 * DIR/w<worker>.state} for a snowflake worker, {@code DIR/<node>.state} for a counter or HLC node,
 * a single line such as
 *
 * <pre>idmint-state v=2 scheme=snowflake worker=7 lease=2025-11-25T15:00:01Z crc32=...</pre>
 *
 * <p>Counters store {@code reserved}: every n issued is below it. Snowflake and HLC generators
 * store {@code lease} (ISO-8601 UTC): no ID issued has a later timestamp. Writes go to a temp file
 * that is fsynced and renamed over the old one, then the directory is fsynced, so a crash leaves
 * the old or the new line, never a mix. The claim is an OS lock on {@code <file>.lock}, held until
 * {@link #close()} or the process ends, however it ends.
 */
final class StateFile implements Registry.Claim {
  static final String MAGIC = "idmint-state";
  static final int VERSION = 2;
  private static final int MAX_SIZE = 4096;
  private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");

  private final Path dir;
  private final Path file;
  private final Path temp;
  private final String node;
  private final int worker; // snowflake: the key; otherwise -1, keyed by node
  private final Scheme scheme;
  private StateLock lock; // null: not claimed (format and parse only)
  private OptionalLong committed = OptionalLong.empty();
  private long highest = Long.MIN_VALUE; // the highest mark on disk; guarded by this
  private volatile boolean closed;

  /** A file for formatting and parsing only, with no claim on it. */
  StateFile(Path dir, String node, int worker, Scheme scheme) {
    this.dir = dir;
    this.node = node;
    this.worker = scheme == Scheme.SNOWFLAKE ? worker : -1;
    this.scheme = scheme;
    String name = this.worker >= 0 ? "w" + this.worker : escape(node);
    this.file = dir.resolve(name + ".state");
    this.temp = dir.resolve(name + ".state.tmp");
  }

  /**
   * Claims the file: takes its lock, then reads it.
   *
   * @throws IdStateException if another process (or generator) holds it, or it cannot be read
   */
  static StateFile claim(Path dir, String node, int worker, Scheme scheme) {
    StateFile f = new StateFile(dir, node, worker, scheme);
    f.lock = StateLock.acquire(f.file, f.key());
    try {
      f.committed = f.read();
      f.highest = f.committed.orElse(Long.MIN_VALUE);
    } catch (RuntimeException e) {
      f.close();
      throw e;
    }
    return f;
  }

  /** What the file is keyed by, for messages: {@code worker 7} or {@code node 'n1'}. */
  String key() {
    return worker >= 0 ? "worker " + worker : "node '" + node + "'";
  }

  Path path() {
    return file;
  }

  @Override
  public int worker() {
    return worker;
  }

  @Override
  public String where() {
    return file.toString();
  }

  @Override
  public OptionalLong committed() {
    return committed;
  }

  /** Writes {@code mark}, or the higher mark already on disk: a mark never goes back. */
  @Override
  public synchronized void commit(long mark) {
    if (closed) {
      throw new IdStateException("state file " + file + " is closed: its lock was released");
    }
    long value = Math.max(mark, highest);
    write(value);
    highest = value;
  }

  @Override
  public void close() {
    closed = true;
    if (lock != null) {
      lock.close();
    }
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

  /**
   * Stores {@code value} atomically and durably; on failure the previous file is untouched. The
   * check that reading does, writing does first: nothing is written that a restart would refuse.
   */
  void write(long value) {
    String text = format(value);
    parse(text);
    byte[] line = text.getBytes(StandardCharsets.UTF_8);
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
            + " scheme="
            + scheme
            + (worker >= 0 ? " worker=" + worker : " node=" + escape(node))
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
    String version = fields.get("v");
    if (!"1".equals(version) && !String.valueOf(VERSION).equals(version)) {
      throw corrupt("version " + version + " is not one this build reads (1, " + VERSION + ")");
    }
    String fileScheme = fields.get("scheme");
    if (!scheme.toString().equals(fileScheme)) {
      throw unusable(
          "it was written by the "
              + fileScheme
              + " scheme, and this generator runs "
              + scheme
              + "; use another state dir for "
              + scheme
              + " IDs");
    }
    String key = valueKey();
    // v1 files named the node even for snowflakes, whose file is now keyed by worker: the file's
    // name (w<worker>.state, serve's default node) is all a v1 snowflake line can be checked by.
    String owner = worker >= 0 && "1".equals(version) ? "node" : worker >= 0 ? "worker" : "node";
    if (fields.size() != 4 || !fields.containsKey(key) || !fields.containsKey(owner)) {
      throw corrupt(
          "expected the fields v, scheme, " + owner + " and " + key + ", found " + fields.keySet());
    }
    if (worker >= 0
        && owner.equals("worker")
        && !String.valueOf(worker).equals(fields.get("worker"))) {
      throw unusable(
          "it belongs to worker "
              + fields.get("worker")
              + ", not worker "
              + worker
              + ": resuming another worker's state under this one could reissue its IDs");
    }
    if (worker < 0 && !escape(node).equals(fields.get("node"))) {
      throw unusable("it belongs to node '" + fields.get("node") + "', not '" + escape(node) + "'");
    }
    String value = fields.get(key);
    long parsed;
    try {
      parsed =
          scheme == Scheme.COUNTER ? Long.parseLong(value) : Instant.parse(value).toEpochMilli();
    } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
      throw corrupt(
          key
              + "="
              + value
              + " is not "
              + (scheme == Scheme.COUNTER ? "a number" : "an ISO-8601 instant"));
    }
    String problem = Durable.outOfRange(scheme, parsed);
    if (problem != null) {
      throw corrupt(problem);
    }
    return parsed;
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
