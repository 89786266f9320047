package io.neurostream.model;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs an action with the process's native standard error (file descriptor 2) pointed at
 * /dev/null, for native libraries that print what an operator need not see (MXNet prints "MXNet
 * start using engine: NaiveEngine" when its engine starts). Java's own {@code System.err} output
 * during the action is held and printed afterwards, so no log line is lost. With
 * {@code NEUROSTREAM_DEBUG=1}, or where libc cannot be reached, the action runs unmuted.
 */
final class NativeStderr {

  private static final int STDERR = 2;
  private static final int O_WRONLY = 1;

  private NativeStderr() {}

  /** Runs {@code action} with native stderr muted; rethrows what it throws. */
  static void muted(Runnable action) {
    if ("1".equals(System.getenv("NEUROSTREAM_DEBUG"))) {
      action.run();
      return;
    }
    PrintStream javaErr = System.err;
    ByteArrayOutputStream held = new ByteArrayOutputStream();
    javaErr.flush();
    int saved = redirectToNull();
    System.setErr(new PrintStream(held, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(javaErr);
      restore(saved);
      javaErr.print(held.toString(StandardCharsets.UTF_8));
      javaErr.flush();
    }
  }

  /** Points fd 2 at /dev/null; returns a duplicate of the old fd 2, or -1 if nothing changed. */
  private static int redirectToNull() {
    try {
      int saved = LibC.INSTANCE.dup(STDERR);
      if (saved < 0) {
        return -1;
      }
      int devNull = LibC.INSTANCE.open("/dev/null", O_WRONLY);
      if (devNull < 0 || LibC.INSTANCE.dup2(devNull, STDERR) < 0) {
        LibC.INSTANCE.close(saved);
        return -1;
      }
      LibC.INSTANCE.close(devNull);
      return saved;
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return -1;
    }
  }

  private static void restore(int saved) {
    if (saved >= 0) {
      LibC.INSTANCE.dup2(saved, STDERR);
      LibC.INSTANCE.close(saved);
    }
  }

  /** The libc calls needed; JNA comes with DJL's API. */
  private interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int dup(int fd);

    int dup2(int from, int to);

    int open(String path, int flags);

    int close(int fd);
  }
}
