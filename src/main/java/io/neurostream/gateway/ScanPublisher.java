package io.neurostream.gateway;

import io.neurostream.avro.ScanEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes an instance's scans to {@code mri.scans} and completes when Kafka has acknowledged
 * every one of them ({@code acks=all}, idempotent producer): only then is the instance reported as
 * stored. A send that the registry or the broker refuses completes exceptionally, never silently.
 * A producer that hits an error it cannot recover from (fenced, out-of-order sequence) is replaced
 * by a fresh one, so the gateway recovers by itself when Kafka comes back.
 */
final class ScanPublisher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ScanPublisher.class);

  private final Supplier<Producer<String, ScanEvent>> factory;
  private final String topic;
  private final Duration closeTimeout;
  private final AtomicLong lastSuccess = new AtomicLong();
  private final AtomicLong lastFailure = new AtomicLong();
  private volatile String lastError = "";
  private volatile Producer<String, ScanEvent> producer;

  ScanPublisher(Supplier<Producer<String, ScanEvent>> factory, String topic,
      Duration closeTimeout) {
    this.factory = factory;
    this.topic = topic;
    this.closeTimeout = closeTimeout;
    this.producer = factory.get();
  }

  /** Sends all scans; the future completes when all are acknowledged, or with the first error. */
  CompletableFuture<Void> publish(List<ScanEvent> scans) {
    List<CompletableFuture<Void>> acks = new ArrayList<>(scans.size());
    Producer<String, ScanEvent> p = producer;
    for (ScanEvent scan : scans) {
      CompletableFuture<Void> ack = new CompletableFuture<>();
      try {
        p.send(new ProducerRecord<>(topic, scan.getIdentity().getSopInstanceUid(), scan),
            (meta, error) -> {
              if (error == null) {
                ack.complete(null);
              } else {
                ack.completeExceptionally(error);
              }
            });
      } catch (RuntimeException e) {
        ack.completeExceptionally(e);
      }
      acks.add(ack);
    }
    return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
        .whenComplete((ok, error) -> record(p, error));
  }

  private void record(Producer<String, ScanEvent> used, Throwable error) {
    long now = System.currentTimeMillis();
    if (error == null) {
      lastSuccess.set(now);
      return;
    }
    lastFailure.set(now);
    Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause()
        != null ? error.getCause() : error;
    lastError = cause.toString();
    if (fatal(cause)) {
      replace(used, cause);
    }
  }

  private static boolean fatal(Throwable e) {
    return e instanceof ProducerFencedException || e instanceof OutOfOrderSequenceException
        || e instanceof AuthorizationException || e instanceof AuthenticationException
        || e instanceof UnsupportedVersionException
        || (e instanceof KafkaException && String.valueOf(e.getMessage()).contains("fatal"));
  }

  private synchronized void replace(Producer<String, ScanEvent> broken, Throwable why) {
    if (producer != broken) {
      return;
    }
    LOG.warn("replacing the Kafka producer after a fatal error: {}", why.toString());
    producer = factory.get();
    try {
      broken.close(Duration.ZERO);
    } catch (RuntimeException e) {
      LOG.debug("closing the broken producer failed", e);
    }
  }

  /** Whether the last publish succeeded (or none failed yet), with the last error otherwise. */
  boolean healthy() {
    return lastFailure.get() <= lastSuccess.get();
  }

  String lastError() {
    return lastError;
  }

  @Override
  public void close() {
    producer.close(closeTimeout);
  }
}
