package dev.idmint.id;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An OS lock that makes one generator the only user of a state file: {@code <file>.lock} next to
 * it, holding the holder's pid. The state file itself cannot carry the lock: each write replaces it
 * by a rename, and a lock belongs to the replaced file. The OS drops the lock when the process
 * dies, however it dies, so a stale lock file never blocks a restart.
 */
final class StateLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private StateLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static Path path(Path stateFile) {
    return stateFile.resolveSibling(stateFile.getFileName() + ".lock");
  }

  /**
   * Takes the lock of {@code stateFile}, which holds the state of {@code key}.
   *
   * @throws IdStateException if another process or generator holds it, naming the pid where the
   *     lock file says it, or if the lock file cannot be opened
   */
  static StateLock acquire(Path stateFile, String key) {
    Path path = path(stateFile);
    FileChannel ch;
    try {
      ch =
          FileChannel.open(
              path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException | SecurityException e) {
      throw new IdStateException(
          "cannot lock state file "
              + stateFile
              + ": cannot open "
              + path
              + ": "
              + StateFile.reason(e)
              + "; no IDs issued",
          e);
    }
    try {
      FileLock lock;
      String holder;
      try {
        lock = ch.tryLock();
        holder = lock == null ? readHolder(ch) : null;
      } catch (OverlappingFileLockException e) {
        lock = null;
        holder = "this process";
      }
      if (lock == null) {
        throw new IdStateException(
            key
                + " is in use by another "
                + (holder == null
                    ? "process"
                    : holder.equals("this process")
                        ? "generator in this process"
                        : "process (pid " + holder + ")")
                + ", which holds the lock "
                + path
                + " of its state file: two live generators on one "
                + key.substring(0, key.indexOf(' '))
                + " would issue the same IDs. Stop that one, or give this one another "
                + key.substring(0, key.indexOf(' '))
                + "; no IDs issued");
      }
      byte[] pid = (pid() + "\n").getBytes(StandardCharsets.US_ASCII);
      ch.truncate(0);
      ByteBuffer buf = ByteBuffer.wrap(pid);
      while (buf.hasRemaining()) {
        ch.write(buf, pid.length - buf.remaining());
      }
      return new StateLock(ch, lock);
    } catch (IOException | RuntimeException e) {
      try {
        ch.close(); // drops the lock too
      } catch (IOException ignored) {
        // already failing
      }
      if (e instanceof IdStateException i) {
        throw i;
      }
      throw new IdStateException(
          "cannot lock state file " + stateFile + ": " + StateFile.reason(e) + "; no IDs issued",
          e);
    }
  }

  /**
   * This process's pid: from /proc where there is one, since ProcessHandle spins up lambdas that
   * cost the node's start-up.
   */
  private static String pid() {
    try {
      return Files.readSymbolicLink(Path.of("/proc/self")).toString();
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return Long.toString(ProcessHandle.current().pid());
    }
  }

  /**
   * The pid in the lock file, or null; read through the same channel (closing another would drop a
   * POSIX lock this process holds).
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

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // the OS drops the lock with the channel or the process
    }
  }
}
