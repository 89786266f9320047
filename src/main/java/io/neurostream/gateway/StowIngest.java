package io.neurostream.gateway;

import io.neurostream.imaging.ImageDecodeException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work of one STOW-RS request once it is admitted: read the parts one at a time, turn each
 * DICOM instance into scans, publish them, and wait for Kafka's acknowledgements. An instance is
 * reported stored only when every one of its scans is acknowledged; once Kafka has refused or
 * timed out one instance, the rest of the request is answered as out of resources without being
 * sent, so a request during an outage fails fast and whole.
 */
final class StowIngest {

  private static final Logger LOG = LoggerFactory.getLogger(StowIngest.class);

  private final InstanceScans scans;
  private final ScanPublisher publisher;
  private final GatewayMetrics metrics;
  private final Duration ackTimeout;

  StowIngest(InstanceScans scans, ScanPublisher publisher, GatewayMetrics metrics,
      Duration ackTimeout) {
    this.scans = scans;
    this.publisher = publisher;
    this.metrics = metrics;
    this.ackTimeout = ackTimeout;
  }

  private record Pending(StowOutcome.Instance instance, int frames,
      CompletableFuture<Void> ack) {}

  /**
   * Stores the parts of {@code body}.
   *
   * @param studyUid the Study Instance UID of the request URL, or null
   * @throws MultipartException when the body is malformed (nothing of the outcome is reported)
   */
  StowOutcome store(MultipartReader body, String studyUid) throws IOException {
    StowOutcome outcome = new StowOutcome();
    List<Pending> pending = new ArrayList<>();
    String outage = null;
    while (true) {
      MultipartReader.Part part;
      try {
        part = body.next();
      } catch (MultipartReader.PartTooLargeException e) {
        outcome.failed(new StowOutcome.Instance("", ""), FailureReason.PROCESSING_FAILURE,
            e.getMessage() + " (gateway.max.instance.bytes); raise it or send smaller instances");
        continue;
      }
      if (part == null) {
        break;
      }
      if (!part.mediaType().equals("application/dicom")) {
        outcome.failed(new StowOutcome.Instance("", ""), FailureReason.PROCESSING_FAILURE,
            "a part is " + part.mediaType() + "; this gateway stores application/dicom parts only");
        continue;
      }
      StowOutcome.Instance id = InstanceScans.identify(part.body());
      InstanceScans.Result result;
      try {
        result = scans.scans(part.body());
      } catch (ImageDecodeException e) {
        FailureReason reason = e.reason() == ImageDecodeException.Reason.UNSUPPORTED_TRANSFER_SYNTAX
            ? FailureReason.TRANSFER_SYNTAX_NOT_SUPPORTED : FailureReason.CANNOT_UNDERSTAND;
        outcome.failed(id, reason, e.reason() + ": " + e.getMessage());
        continue;
      } catch (IllegalArgumentException e) {
        outcome.failed(id, FailureReason.CANNOT_UNDERSTAND, e.getMessage());
        continue;
      }
      if (studyUid != null && !studyUid.equals(result.scans().get(0).getIdentity()
          .getStudyInstanceUid())) {
        outcome.failed(result.instance(), FailureReason.STUDY_MISMATCH, "the instance belongs to "
            + "study " + result.scans().get(0).getIdentity().getStudyInstanceUid()
            + ", not to the study " + studyUid + " of the request URL");
        continue;
      }
      if (outage != null) {
        outcome.failed(result.instance(), FailureReason.OUT_OF_RESOURCES, outage);
        continue;
      }
      Pending p = new Pending(result.instance(), result.scans().size(),
          publisher.publish(result.scans()));
      pending.add(p);
      if (p.ack().isCompletedExceptionally()) {
        outage = "not sent: Kafka refused an earlier instance of this request ("
            + cause(p.ack()) + "); send the request again";
      }
    }
    long deadline = System.nanoTime() + ackTimeout.toNanos();
    for (Pending p : pending) {
      try {
        p.ack().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        outcome.stored(p.instance());
        metrics.published(p.frames());
      } catch (ExecutionException | TimeoutException e) {
        String why = e instanceof TimeoutException ? "no acknowledgement from Kafka within "
            + ackTimeout.toMillis() + " ms" : String.valueOf(e.getCause());
        outcome.failed(p.instance(), FailureReason.OUT_OF_RESOURCES,
            "Kafka did not acknowledge the instance: " + why + "; send it again");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        outcome.failed(p.instance(), FailureReason.OUT_OF_RESOURCES,
            "the gateway is stopping; send the instance again");
      }
    }
    outcome.failed().forEach(f -> {
      metrics.failed(f.reason());
      LOG.info("instance {} not stored: {} ({})", f.instance().sopInstanceUid(), f.reason(),
          f.detail());
    });
    return outcome;
  }

  private static String cause(CompletableFuture<Void> f) {
    try {
      f.getNow(null);
      return "";
    } catch (RuntimeException e) {
      return String.valueOf(e.getCause() == null ? e : e.getCause());
    }
  }
}
