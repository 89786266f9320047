package io.neurostream.ops;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the calling thread's CPU priority to the lowest nice value (19), for work that must not
 * slow inference on the same cores: the scheduler then gives such a thread CPU only when the
 * others leave some (a nice-19 thread weighs 15 against a normal thread's 1024). Threads the
 * caller starts afterwards inherit it, among them the OpenMP team a native library creates on the
 * thread's first parallel operation, so call it before the thread's first native operation.
 *
 * <p>Linux only (a thread id from {@code /proc/thread-self}, {@code setpriority(2)} through JNA);
 * elsewhere, or where the call is refused, the thread keeps its priority and the reason is logged
 * once.
 */
public final class BackgroundPriority {

  private static final Logger LOG = LoggerFactory.getLogger(BackgroundPriority.class);
  /** The lowest priority a Linux thread can have. */
  public static final int LOWEST = 19;
  private static final int PRIO_PROCESS = 0;

  private BackgroundPriority() {}

  /** The C library's {@code setpriority(2)}. */
  interface CLibrary extends Library {
    int setpriority(int which, int who, int prio);
  }

  /**
   * Gives the calling thread the lowest CPU priority.
   *
   * @param what the work, for the log line
   * @return whether the priority was lowered
   */
  public static boolean lowerCurrentThread(String what) {
    try {
      int tid = threadId();
      CLibrary c = Native.load("c", CLibrary.class);
      if (c.setpriority(PRIO_PROCESS, tid, LOWEST) != 0) {
        LOG.info("{} runs at normal CPU priority: setpriority refused (errno {})", what,
            Native.getLastError());
        return false;
      }
      LOG.info("{} runs at the lowest CPU priority (nice {}): it uses the cores inference "
          + "leaves idle", what, LOWEST);
      return true;
    } catch (RuntimeException | LinkageError | java.io.IOException e) {
      LOG.info("{} runs at normal CPU priority: cannot lower a thread's priority here ({})", what,
          e.toString());
      return false;
    }
  }

  /** The kernel's id of the calling thread, from {@code /proc/thread-self -> <pid>/task/<tid>}. */
  static int threadId() throws java.io.IOException {
    Path link = Files.readSymbolicLink(Path.of("/proc/thread-self"));
    return Integer.parseInt(link.getFileName().toString());
  }

  /** The calling thread's nice value, from {@code /proc/thread-self/stat} (field 19). */
  static int currentNice() throws java.io.IOException {
    String stat = Files.readString(Path.of("/proc/thread-self/stat"));
    // the command name (field 2) is in parentheses and may hold spaces: count after its end
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Integer.parseInt(fields[16]);
  }
}
