package io.neurostream.console;

import io.neurostream.console.PredictionWindow.PredictionView;
import io.neurostream.imaging.GrayImage;
import io.neurostream.imaging.ImageDecodeException;
import io.neurostream.imaging.ScanReader;
import io.neurostream.kafka.Topics;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.KafkaException;

/**
 * Small grayscale PNGs of the slices the series page lists, made from the scan itself: read back
 * from {@code mri.scans} at the position its prediction carries (the shared {@link ScanReader}, as
 * the verdict service's Grad-CAM does) and scaled so its longer side is the asked size. The newest
 * {@link #CACHED} thumbnails are kept, so a page refreshing every second does not read Kafka again.
 */
final class SliceThumbnails implements AutoCloseable {

  static final int DEFAULT_SIZE = 96;
  static final int MIN_SIZE = 16;
  static final int MAX_SIZE = 256;
  static final int CACHED = 512;

  private record Key(int partition, long offset, int size) {}

  private final ScanReader scans;
  private final Map<Key, byte[]> cache = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, byte[]> eldest) {
      return size() > CACHED;
    }
  };

  SliceThumbnails(ScanReader scans) {
    this.scans = scans;
  }

  /**
   * The thumbnail of the slice {@code p} predicted, its longer side {@code size} pixels.
   *
   * @throws ApiException 404 when the prediction does not say where its scan is or the scan is
   *     gone, 422 when the scan does not decode, 503 when Kafka does not answer
   */
  byte[] png(PredictionView p, int size) {
    if (p.scanPartition() == null || p.scanOffset() == null) {
      throw ApiException.notFound("the prediction of slice " + p.scanId() + " does not say where "
          + "its scan is (written by an older classifier): no thumbnail");
    }
    Key key = new Key(p.scanPartition(), p.scanOffset(), size);
    synchronized (cache) {
      byte[] hit = cache.get(key);
      if (hit != null) {
        return hit;
      }
    }
    byte[] png = render(read(p), size);
    synchronized (cache) {
      cache.put(key, png);
    }
    return png;
  }

  private GrayImage read(PredictionView p) {
    Optional<GrayImage> image;
    try {
      image = scans.image(p.scanPartition(), p.scanOffset());
    } catch (ImageDecodeException e) {
      throw new ApiException(422, "the scan of slice " + p.scanId() + " at " + Topics.SCANS.name()
          + " " + p.scanPartition() + "/" + p.scanOffset() + " does not decode: "
          + e.getMessage());
    } catch (IllegalStateException | KafkaException e) {
      throw new ApiException(503, "cannot read the scan of slice " + p.scanId() + " from "
          + Topics.SCANS.name() + ": " + e.getMessage());
    }
    return image.orElseThrow(() -> ApiException.notFound("the scan of slice " + p.scanId()
        + " is no longer on " + Topics.SCANS.name() + " (partition " + p.scanPartition()
        + ", offset " + p.scanOffset() + "; retention passed it)"));
  }

  /** {@code image} scaled so that its longer side is {@code size}, as a grayscale PNG. */
  static byte[] render(GrayImage image, int size) {
    int longer = Math.max(image.width(), image.height());
    int w = Math.max(1, Math.round((float) image.width() * size / longer));
    int h = Math.max(1, Math.round((float) image.height() * size / longer));
    return image.resize(w, h).toPng();
  }

  @Override
  public void close() {
    scans.close();
  }
}
