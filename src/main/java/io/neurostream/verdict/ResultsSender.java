package io.neurostream.verdict;

import io.micrometer.core.instrument.MeterRegistry;
import io.neurostream.avro.Explanation;
import io.neurostream.avro.SeriesGrouping;
import io.neurostream.avro.SeriesVerdict;
import io.neurostream.avro.SupportingSlice;
import io.neurostream.imaging.GrayImage;
import io.neurostream.imaging.ScanReader;
import io.neurostream.imaging.SecondaryCapture.StudyAttribute;
import io.neurostream.kafka.Topics;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every series verdict back to the PACS ({@code results.dicomweb.url}) as a {@link
 * VerdictCapture} over STOW-RS, on a thread of its own with its own consumer group
 * ({@code <verdict.application.id>-results}) on the committed verdicts: the verdict topology
 * never waits for the PACS. A verdict's offset is committed once the PACS stored it or refused it
 * for good, so delivery is at least once (a re-send is the same instance). 5xx, 408, 429 and
 * connection errors are retried with a doubling pause (1 s up to {@code
 * results.retry.backoff.max.ms}) until they succeed; other 4xx answers are logged with the
 * PACS's answer, counted and skipped.
 */
public final class ResultsSender implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ResultsSender.class);
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

  private final ResultsConfig config;
  private final ExplainMode explain;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Deserializer<SeriesVerdict> verdicts;
  private final ExplanationLookup explanations;
  private final ScanReader scans;
  private final DicomWebClient pacs;
  private final MeterRegistry meters;
  private final Thread thread;
  private volatile boolean running = true;

  private ResultsSender(VerdictConfig config, MeterRegistry meters) {
    this.config = config.results();
    this.explain = config.explain();
    this.meters = meters;
    Map<String, Object> client = config.common().kafkaProperties();
    Map<String, ?> serde = config.common().serdeConfig();
    consumer = new KafkaConsumer<>(config.sideConsumer("results", 1), new StringDeserializer(),
        new ByteArrayDeserializer());
    verdicts = Topics.SERIES_VERDICTS.valueSerde(serde).deserializer();
    explanations = new ExplanationLookup(client, serde);
    scans = new ScanReader(client, serde);
    pacs = new DicomWebClient(this.config.url().orElseThrow(), this.config.authorization());
    thread = new Thread(this::run, "results-sender");
    thread.setDaemon(true);
  }

  /** Starts sending when {@code results.dicomweb.url} is set (else empty). */
  public static Optional<ResultsSender> start(VerdictConfig config, MeterRegistry meters) {
    if (config.results().url().isEmpty()) {
      return Optional.empty();
    }
    ResultsSender sender = new ResultsSender(config, meters);
    sender.consumer.subscribe(List.of(Topics.SERIES_VERDICTS.name()));
    sender.thread.start();
    LOG.info("results sender started: verdicts go to {} by STOW-RS",
        config.results().url().get());
    return Optional.of(sender);
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.value() != null) {
            try {
              deliver(verdicts.deserialize(r.topic(), r.value()));
            } catch (WakeupException e) {
              throw e;
            } catch (RuntimeException e) {
              outcome("failed", "verdict at {}-{} offset {} not sent, skipped: {}", r.topic(),
                  r.partition(), r.offset(), e.toString());
            }
          }
          if (running) {
            commit(r);
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      LOG.error("results sender stopped: {}; sending resumes from the last commit on restart",
          e.toString(), e);
      meters.counter("neurostream_results_total", "outcome", "sender_stopped").increment();
    } finally {
      consumer.close(Duration.ofSeconds(5));
      explanations.close();
      scans.close();
    }
  }

  private void commit(ConsumerRecord<String, byte[]> r) {
    try {
      consumer.commitSync(Map.of(new TopicPartition(r.topic(), r.partition()),
          new OffsetAndMetadata(r.offset() + 1)));
    } catch (CommitFailedException e) {
      LOG.warn("results sender lost partition {} while sending; its new owner sends again",
          r.partition());
    }
  }

  /** Sends one verdict, retrying until it is stored or refused for good. */
  private void deliver(SeriesVerdict v) {
    if (v.getGrouping() != SeriesGrouping.SERIES_UID) {
      outcome("skipped", "verdict of {} has no DICOM series (grouped by {}); not sent",
          v.getSeriesInstanceUid(), v.getGrouping());
      return;
    }
    byte[] dicom = null;
    Duration backoff = FIRST_BACKOFF;
    for (int attempt = 1; running; attempt++) {
      try {
        Optional<Map<StudyAttribute, String>> study = pacs.study(v.getStudyInstanceUid());
        if (study.isEmpty()) {
          outcome("study_not_in_pacs", "study {} of series {} is not in the PACS (QIDO-RS found "
              + "nothing); verdict revision {} not sent", v.getStudyInstanceUid(),
              v.getSeriesInstanceUid(), v.getRevision());
          return;
        }
        if (dicom == null) {
          dicom = capture(v, study.get());
        }
        int status = pacs.store(v.getStudyInstanceUid(), dicom);
        outcome("stored", "verdict revision {} of series {} stored in study {} (HTTP {})",
            v.getRevision(), v.getSeriesInstanceUid(), v.getStudyInstanceUid(), status);
        return;
      } catch (DicomWebClient.Refused e) {
        meters.counter("neurostream_results_rejected_total", "status",
            Integer.toString(e.status)).increment();
        outcome("rejected", "verdict revision {} of series {} refused by the PACS, not retried: {}",
            v.getRevision(), v.getSeriesInstanceUid(), e.getMessage());
        return;
      } catch (DicomWebClient.Unavailable e) {
        meters.counter("neurostream_results_retries_total").increment();
        LOG.warn("verdict revision {} of series {}: attempt {} failed ({}); retrying in {} ms",
            v.getRevision(), v.getSeriesInstanceUid(), attempt, e.getMessage(),
            backoff.toMillis());
        pause(backoff);
        backoff = min(backoff.multipliedBy(2), config.maxBackoff());
      }
    }
  }

  /** Waits, polling paused so that the group keeps this member while the PACS is away. */
  private void pause(Duration d) {
    consumer.pause(consumer.assignment());
    try {
      long end = System.nanoTime() + d.toNanos();
      while (running && System.nanoTime() < end) {
        consumer.poll(Duration.ofMillis(Math.min(500, Math.max(1,
            (end - System.nanoTime()) / 1_000_000))));
      }
    } finally {
      consumer.resume(consumer.assignment());
    }
  }

  private BufferedImage sliceOf(SupportingSlice top, Optional<Explanation> explanation) {
    if (explanation.isPresent()) {
      java.nio.ByteBuffer buffer = explanation.get().getOverlayPng();
      byte[] png = new byte[buffer.remaining()];
      buffer.duplicate().get(png);
      try {
        return ImageIO.read(new ByteArrayInputStream(png));
      } catch (IOException e) {
        LOG.warn("overlay PNG of {} unreadable ({}); sending the plain slice",
            top.getSopInstanceUid(), e.toString());
      }
    }
    if (top.getScanPartition() == null || top.getScanOffset() == null) {
      return null;
    }
    Optional<GrayImage> image;
    try {
      image = scans.image(top.getScanPartition(), top.getScanOffset());
    } catch (RuntimeException e) {
      LOG.warn("scan of {} unreadable ({})", top.getSopInstanceUid(), e.toString());
      return null;
    }
    return image.map(ResultsSender::toRgb).orElse(null);
  }

  private byte[] capture(SeriesVerdict v, Map<StudyAttribute, String> study) {
    Optional<SupportingSlice> top = VerdictPicture.top(v);
    Optional<Explanation> explanation = top.isEmpty() || explain == ExplainMode.OFF
        ? Optional.empty()
        : explanations.find(v.getSeriesInstanceUid(), top.get().getSopInstanceUid(),
            v.getRevision(), v.getClosedAt().toEpochMilli(), config.explanationWait());
    BufferedImage slice = top.map(t -> sliceOf(t, explanation)).orElse(null);
    VerdictPicture.Shows shows = slice == null ? VerdictPicture.Shows.NO_SLICE
        : explanation.isPresent() ? VerdictPicture.Shows.GRAD_CAM
        : VerdictPicture.Shows.PLAIN_SLICE;
    return VerdictCapture.dicom(v, VerdictPicture.draw(v, slice, shows), shows, study);
  }

  static BufferedImage toRgb(GrayImage image) {
    BufferedImage out = new BufferedImage(image.width(), image.height(),
        BufferedImage.TYPE_INT_RGB);
    float[] p = image.pixels();
    for (int i = 0; i < p.length; i++) {
      int g = Math.round(255 * Math.max(0, Math.min(1, p[i])));
      out.setRGB(i % image.width(), i / image.width(), (g << 16) | (g << 8) | g);
    }
    return out;
  }

  private void outcome(String outcome, String message, Object... args) {
    meters.counter("neurostream_results_total", "outcome", outcome).increment();
    if (outcome.equals("stored") || outcome.equals("skipped")) {
      LOG.info(message, args);
    } else {
      LOG.error(message, args);
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    explanations.wakeup();
    try {
      thread.join(15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
