package io.neurostream.imaging;

import io.neurostream.imaging.ImageDecodeException.Reason;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a third-party decoder that can loop forever on damaged input (jai-imageio-jpeg2000's
 * packet-header reader does, issue 7 of that project) in its own thread with a time budget. A
 * decode over budget becomes {@link Reason#IMAGE_DECODE_FAILED} and its thread is stopped, so one
 * damaged frame costs seconds, not a stream thread. Stopping a thread is safe here because the
 * decoder's state is private to that one decode; on runtimes without {@code Thread.stop} the thread
 * is left as a daemon and the failure is logged.
 */
final class DecodeWatchdog {

  private static final Logger LOG = LoggerFactory.getLogger(DecodeWatchdog.class);

  private DecodeWatchdog() {}

  /** The budget of a frame: 2 s plus 1 ms per 2,000 pixels (10 s for 4096 x 4096). */
  static long budgetMillis(long pixels) {
    return 2_000 + pixels / 2_000;
  }

  static <T> T run(String what, long budgetMillis, Supplier<T> decode) {
    AtomicReference<Object> result = new AtomicReference<>();
    Thread worker = new Thread(() -> {
      try {
        result.set(decode.get());
      } catch (RuntimeException | Error e) {
        result.set(e);
      }
    }, "frame-decoder");
    worker.setDaemon(true);
    worker.start();
    try {
      worker.join(budgetMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(worker);
      throw new ImageDecodeException(Reason.IMAGE_DECODE_FAILED, what + ": interrupted", e);
    }
    if (worker.isAlive()) {
      stop(worker);
      throw new ImageDecodeException(Reason.IMAGE_DECODE_FAILED, what + " did not decode within "
          + budgetMillis + " ms (a damaged codestream makes the decoder loop); resend the instance");
    }
    Object r = result.get();
    if (r instanceof RuntimeException e) {
      throw e;
    }
    if (r instanceof Error e) {
      throw e;
    }
    @SuppressWarnings("unchecked")
    T value = (T) r;
    return value;
  }

  @SuppressWarnings({"deprecation", "removal"})
  private static void stop(Thread worker) {
    try {
      worker.stop();
    } catch (UnsupportedOperationException e) {
      LOG.error("a frame decoder thread loops on damaged input and this Java runtime cannot stop "
          + "it; it burns one core until the process restarts");
    }
  }
}
