package dev.idmint.serve;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * An OS lock that makes one process the only user of a state file: {@code <node>.state.lock} next
 * to {@code <node>.state}, holding the holder's pid. The state file itself cannot carry the lock:
 * each write replaces it by a rename, and a lock belongs to the replaced file. The OS drops the
 * lock when the process dies, however it dies, so a stale lock file is harmless.
 */
final class StateLock implements AutoCloseable {
  private final Path path;
  private final FileChannel channel;
  private final FileLock lock;
  private final Object fileKey;

  private StateLock(Path path, FileChannel channel, FileLock lock, Object fileKey) {
    this.path = path;
    this.channel = channel;
    this.lock = lock;
    this.fileKey = fileKey;
  }

  static Path path(Path stateFile) {
    return stateFile.resolveSibling(stateFile.getFileName() + ".lock");
  }

  /**
   * Takes the lock of {@code stateFile}.
   *
   * @throws LockedException if another process holds it, naming its pid where the file says it
   * @throws IOException if the lock file cannot be opened
   */
  static StateLock acquire(Path stateFile) throws IOException {
    Path path = path(stateFile);
    FileChannel ch =
        FileChannel.open(
            path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // this JVM already holds it
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      String holder = readHolder(ch);
      ch.close();
      throw new LockedException(path, holder);
    }
    try {
      byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
      ch.truncate(0);
      ByteBuffer buf = ByteBuffer.wrap(pid);
      while (buf.hasRemaining()) {
        ch.write(buf, pid.length - buf.remaining());
      }
      ch.force(true);
      Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
      return new StateLock(path, ch, lock, key);
    } catch (IOException | RuntimeException e) {
      ch.close(); // drops the lock too
      throw e;
    }
  }

  /**
   * The pid in the lock file, or null; read through the same channel (closing another would drop a
   * POSIX lock).
   */
  private static String readHolder(FileChannel ch) {
    try {
      ByteBuffer buf = ByteBuffer.allocate(32);
      while (buf.hasRemaining() && ch.read(buf, buf.position()) > 0) {
        // read up to 32 bytes
      }
      String text = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
      return text.matches("[0-9]{1,10}") ? text : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Why the lock no longer guards the state file, or null if it does: someone removed or replaced
   * the lock file (another process could then lock the new one).
   */
  String problem() {
    try {
      Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
      return Objects.equals(key, fileKey) ? null : "the lock file " + path + " was replaced";
    } catch (NoSuchFileException e) {
      return "the lock file " + path + " was removed";
    } catch (IOException e) {
      return "cannot read the lock file " + path + ": " + e.getMessage();
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // the process is about to exit and the OS drops the lock with it
    }
  }

  /** Another process holds the lock. */
  static final class LockedException extends IOException {
    private static final long serialVersionUID = 1L;

    LockedException(Path path, String pid) {
      super(
          "it is in use by another process"
              + (pid == null ? "" : " (pid " + pid + ")")
              + ", which holds its lock "
              + path
              + "; one state file serves one running instance: stop that one, or give this one"
              + " another --state-dir or worker id");
    }
  }
}
