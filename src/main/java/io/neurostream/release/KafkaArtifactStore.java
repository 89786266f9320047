package io.neurostream.release;

import io.neurostream.avro.ModelRelease;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Model artifacts carried by Kafka itself ({@code kafka://mri.model-artifacts/<version>}), so
 * every classifier replica gets them with no shared storage.
 *
 * <p>Format (the trainer writes it with {@link #publish}, and {@code Topics.MODEL_ARTIFACTS}
 * describes it): the artifact is cut into chunks; chunk {@code i} is a record with the String key
 * {@code <version>} (so all chunks of a version land in order on one partition), the raw chunk
 * bytes as value, and headers {@code neurostream.chunk.index}, {@code neurostream.chunk.count},
 * {@code neurostream.artifact.size} and {@code neurostream.artifact.sha256} (decimal / lower-case
 * hex, as UTF-8 text). Keys of the form {@code <version>/<index>} are read too. With a
 * transactional producer all chunks go in one transaction, so a crash mid-publication leaves
 * nothing a {@code read_committed} reader would assemble; the ModelRelease record follows the
 * chunks. The reader scans every partition from an hour before the release's {@code createdAt}
 * (the whole topic if that misses chunks) up to the end offsets it saw at start, keeps the newest
 * record of each chunk index, and verifies size and sha-256 against the release.
 */
public final class KafkaArtifactStore implements ArtifactStore {

  public static final String H_INDEX = "neurostream.chunk.index";
  public static final String H_COUNT = "neurostream.chunk.count";
  public static final String H_SIZE = "neurostream.artifact.size";
  public static final String H_SHA256 = "neurostream.artifact.sha256";

  private static final Duration LOOKBACK = Duration.ofHours(1);

  private final Map<String, Object> clientConfig;
  private final Duration timeout;

  /**
   * @param clientConfig Kafka client properties (bootstrap.servers, security settings, ...)
   * @param timeout how long a fetch may take before the artifact counts as missing
   */
  public KafkaArtifactStore(Map<String, Object> clientConfig, Duration timeout) {
    this.clientConfig = Map.copyOf(clientConfig);
    this.timeout = timeout;
  }

  /** The {@code kafka://} URI of a version's artifact in {@code topic}. */
  public static String uri(String topic, String version) {
    return "kafka://" + topic + "/" + version;
  }

  /**
   * Publishes {@code artifact} as chunks of {@code version} to {@code topic}. Call inside a
   * transaction (begin before, commit after) when the producer is transactional.
   *
   * @return the {@code kafka://} URI to put in the release
   */
  public static String publish(
      Producer<String, byte[]> producer, String topic, String version, byte[] artifact,
      int chunkBytes) {
    return publish(producer, topic, version, artifact, chunkBytes, index -> {});
  }

  /**
   * As {@link #publish(Producer, String, String, byte[], int)}, calling {@code afterChunk} with the
   * index of each chunk once it is handed to the producer, so a publisher can pace or report a
   * large artifact.
   */
  public static String publish(
      Producer<String, byte[]> producer, String topic, String version, byte[] artifact,
      int chunkBytes, java.util.function.IntConsumer afterChunk) {
    int count = Math.max(1, (artifact.length + chunkBytes - 1) / chunkBytes);
    String sha = ArtifactDigest.sha256(artifact);
    for (int i = 0; i < count; i++) {
      int from = i * chunkBytes;
      int to = Math.min(artifact.length, from + chunkBytes);
      byte[] chunk = java.util.Arrays.copyOfRange(artifact, from, to);
      RecordHeaders headers = new RecordHeaders();
      headers.add(H_INDEX, text(i));
      headers.add(H_COUNT, text(count));
      headers.add(H_SIZE, text(artifact.length));
      headers.add(H_SHA256, sha.getBytes(StandardCharsets.UTF_8));
      producer.send(new ProducerRecord<>(topic, null, null, version, chunk, headers));
      afterChunk.accept(i);
    }
    producer.flush();
    return uri(topic, version);
  }

  @Override
  public Path fetch(ModelRelease release, Path dir) throws ArtifactException {
    String version = release.getVersion();
    URI uri;
    try {
      uri = URI.create(release.getArtifactUri());
    } catch (IllegalArgumentException e) {
      throw new ArtifactException(ArtifactException.Reason.UNSUPPORTED_URI,
          "release " + version + " has an invalid artifactUri '" + release.getArtifactUri() + "'");
    }
    String topic = uri.getHost();
    String name = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    if (topic == null || name.isEmpty()) {
      throw new ArtifactException(ArtifactException.Reason.UNSUPPORTED_URI,
          "release " + version + " has artifactUri '" + release.getArtifactUri()
              + "'; expected kafka://<topic>/<version>");
    }
    // chunks are published just before their release: start an hour before it was decided, and
    // scan the whole topic only if that misses some, so a fetch does not read every old artifact
    long lookFrom = release.getCreatedAt().toEpochMilli() - LOOKBACK.toMillis();
    Chunks read = readChunks(topic, name, lookFrom);
    if (!read.complete()) {
      read = readChunks(topic, name, -1);
    }
    Map<Integer, byte[]> chunks = read.chunks();
    Integer count = read.count();
    if (chunks.isEmpty()) {
      throw new ArtifactException(ArtifactException.Reason.NOT_FOUND,
          "no chunks of " + name + " in topic " + topic
              + "; the artifact was never published or has been deleted by retention");
    }
    if (count == null || chunks.size() != count || !chunks.containsKey(count - 1)) {
      throw new ArtifactException(ArtifactException.Reason.INCOMPLETE,
          "artifact " + name + " in topic " + topic + " has " + chunks.size() + " of "
              + count + " chunks; republish the release");
    }
    Path target = dir.resolve(FileArtifactStore.safeName(version) + ".artifact");
    try {
      Files.createDirectories(dir);
      try (OutputStream out = Files.newOutputStream(target)) {
        for (int i = 0; i < count; i++) {
          out.write(chunks.get(i));
        }
      }
    } catch (IOException e) {
      throw new ArtifactException(ArtifactException.Reason.IO_ERROR,
          "cannot write the artifact of " + version + " to " + target + ": " + e.getMessage(), e);
    }
    ArtifactDigest.verify(target, version, release.getArtifactSize(), release.getArtifactSha256());
    return target;
  }

  /** The chunks found for one artifact and the count the newest of them announces. */
  private record Chunks(Map<Integer, byte[]> chunks, Integer count) {
    boolean complete() {
      return count != null && chunks.size() == count;
    }
  }

  /** Reads the chunks of {@code name}, from the first offset at {@code fromTimestamp} (-1: all). */
  private Chunks readChunks(String topic, String name, long fromTimestamp)
      throws ArtifactException {
    Integer chunkCount = null;
    Map<String, Object> props = new HashMap<>(clientConfig);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "artifact-fetch-" + UUID.randomUUID());
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    String prefix = name + "/";
    Map<Integer, byte[]> chunks = new TreeMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        throw new ArtifactException(ArtifactException.Reason.NOT_FOUND,
            "artifact topic " + topic + " does not exist; create it (neurostream topics)");
      }
      for (PartitionInfo p : infos) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      if (fromTimestamp >= 0) {
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(tp -> times.put(tp, Math.max(0, fromTimestamp)));
        consumer.offsetsForTimes(times, timeout).forEach((tp, found) -> {
          if (found != null) {
            consumer.seek(tp, found.offset());
          } else {
            consumer.seekToEnd(List.of(tp)); // nothing that recent here
          }
        });
      }
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      while (!reached(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new ArtifactException(ArtifactException.Reason.INCOMPLETE,
              "reading artifact " + name + " from " + topic + " took longer than " + timeout
                  + "; check the broker or raise the fetch timeout");
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          boolean ours = name.equals(r.key()) || (r.key() != null && r.key().startsWith(prefix));
          if (!ours || r.value() == null) {
            continue;
          }
          Integer index = intHeader(r.headers().lastHeader(H_INDEX));
          if (index == null && r.key().startsWith(prefix)) {
            index = parseIndex(r.key().substring(prefix.length()));
          }
          if (index == null) {
            continue;
          }
          chunks.put(index, r.value());
          Integer count = intHeader(r.headers().lastHeader(H_COUNT));
          if (count != null) {
            chunkCount = count;
          }
        }
      }
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new ArtifactException(ArtifactException.Reason.IO_ERROR,
          "cannot read artifact " + name + " from " + topic + ": " + e.getMessage(), e);
    }
    if (chunkCount != null) {
      int n = chunkCount;
      chunks.keySet().removeIf(i -> i >= n);
    }
    return new Chunks(chunks, chunkCount);
  }

  private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static Integer intHeader(Header h) {
    return h == null ? null : parseIndex(new String(h.value(), StandardCharsets.UTF_8));
  }

  private static Integer parseIndex(String s) {
    try {
      return Integer.valueOf(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static byte[] text(long n) {
    return Long.toString(n).getBytes(StandardCharsets.UTF_8);
  }
}
