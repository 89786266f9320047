package io.neurostream.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a broker data directory, held from before the broker opens anything there
 * until it has stopped; refuses a second {@link EmbeddedKafka} in this or another process.
 */
final class DirectoryLock implements AutoCloseable {

  static final String FILE = ".neurostream.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static DirectoryLock acquire(Path dir) {
    Path file = dir.resolve(FILE);
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open " + file + "; check the data directory's permissions", e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      close(channel);
      throw new UncheckedIOException("Cannot lock " + file + ": " + e.getMessage(), e);
    }
    if (lock == null) {
      close(channel);
      throw new IllegalStateException("Kafka data directory " + dir + " is in use by another broker; "
          + "stop it or choose another --data-dir");
    }
    return new DirectoryLock(channel, lock);
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel below releases it as well
    }
    close(channel);
  }

  private static void close(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing left to release
    }
  }
}
