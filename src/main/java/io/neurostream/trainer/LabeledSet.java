package io.neurostream.trainer;

import io.neurostream.avro.DementiaStage;
import io.neurostream.avro.ImageEncoding;
import io.neurostream.avro.LabeledScan;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The trainer's labeled scans, rebuilt from the labels topic (the source of truth) at every start:
 * one entry per scan id, the newest label winning (a corrected label replaces the earlier one) and
 * a tombstone removing the scan. Remembers where in the topic it has read to, so a round can record
 * which labels it saw and the next one can count what is new. Thread-safe.
 */
public final class LabeledSet {

  /**
   * One labeled scan as the trainer keeps it: the encoded image (decoded per round) and where the
   * label came from in the topic.
   *
   * @param scanId the SOP Instance UID (the record key)
   * @param patientKey pseudonymous patient key, for the split by patient
   * @param label the confirmed stage
   * @param encoding how {@code image} is encoded
   * @param width columns (for RAW encodings)
   * @param height rows (for RAW encodings)
   * @param image the encoded slice
   * @param partition topic partition of the label record
   * @param offset offset of the label record
   * @param labeledAt when the label was given
   */
  public record Entry(
      String scanId,
      String patientKey,
      DementiaStage label,
      ImageEncoding encoding,
      int width,
      int height,
      byte[] image,
      int partition,
      long offset,
      Instant labeledAt) {}

  /**
   * A consistent copy of the set for one round.
   *
   * @param entries the labeled scans, in first-seen order
   * @param offsets per partition, the next offset after what the copy includes
   */
  public record Snapshot(List<Entry> entries, Map<Integer, Long> offsets) {
    public Snapshot {
      entries = List.copyOf(entries);
      offsets = Map.copyOf(offsets);
    }

    /** Entries whose label arrived at or after {@code since} (per partition; absent = all). */
    public int newSince(Map<Integer, Long> since) {
      int n = 0;
      for (Entry e : entries) {
        if (e.offset() >= since.getOrDefault(e.partition(), 0L)) {
          n++;
        }
      }
      return n;
    }

    /** Labels per stage, in {@link DementiaStage} order. */
    public Map<DementiaStage, Integer> countsByStage() {
      Map<DementiaStage, Integer> counts = new EnumMap<>(DementiaStage.class);
      for (DementiaStage s : DementiaStage.values()) {
        counts.put(s, 0);
      }
      entries.forEach(e -> counts.merge(e.label(), 1, Integer::sum));
      return counts;
    }
  }

  private final Map<String, Entry> byScan = new LinkedHashMap<>();
  private final Map<Integer, Long> next = new TreeMap<>();
  private long records;

  /**
   * Applies one record of the labels topic, in partition order.
   *
   * @param scanId the record key
   * @param value the label, or null for a tombstone (the scan leaves the set)
   */
  public synchronized void apply(String scanId, LabeledScan value, int partition, long offset) {
    next.merge(partition, offset + 1, Math::max);
    records++;
    if (value == null) {
      byScan.remove(scanId);
      return;
    }
    var scan = value.getScan();
    ByteBuffer bytes = scan.getImage().duplicate();
    byte[] image = new byte[bytes.remaining()];
    bytes.get(image);
    // remove first so a relabeled scan moves to the end: "first seen" order follows the newest label
    byScan.remove(scanId);
    byScan.put(scanId, new Entry(scanId, scan.getIdentity().getPatientKey(), value.getLabel(),
        scan.getEncoding(), scan.getWidth(), scan.getHeight(), image, partition, offset,
        value.getLabeledAt()));
  }

  /** Notes that {@code partition} has been read up to {@code nextOffset} (e.g. past a skipped record). */
  public synchronized void advance(int partition, long nextOffset) {
    next.merge(partition, nextOffset, Math::max);
  }

  /** A consistent copy of what has been read so far. */
  public synchronized Snapshot snapshot() {
    return new Snapshot(new ArrayList<>(byScan.values()), next);
  }

  /** Labeled scans held now. */
  public synchronized int size() {
    return byScan.size();
  }

  /** Label records read, tombstones and replaced labels included. */
  public synchronized long recordsRead() {
    return records;
  }
}
