package io.neurostream.model;

import io.neurostream.avro.ImageEncoding;
import io.neurostream.imaging.GrayImage;
import io.neurostream.imaging.ImageDecoder;
import java.util.Objects;

/** One slice to classify: either encoded bytes as they arrive on Kafka, or an already decoded image. */
public sealed interface ScanInput permits ScanInput.Encoded, ScanInput.Decoded {

  /**
   * The slice as a gray image.
   *
   * @throws io.neurostream.imaging.ImageDecodeException when the bytes cannot be decoded
   */
  GrayImage image();

  /** Encoded bytes; width and height matter only for the RAW encodings. */
  static ScanInput encoded(byte[] bytes, ImageEncoding encoding, int width, int height) {
    return new Encoded(bytes, encoding, width, height);
  }

  /** An already decoded image. */
  static ScanInput of(GrayImage image) {
    return new Decoded(image);
  }

  /**
   * Image bytes in one of the {@link ImageEncoding}s, decoded by {@link ImageDecoder} when used.
   *
   * @param bytes the encoded image
   * @param encoding how {@code bytes} are encoded
   * @param width columns (RAW encodings only; 0 otherwise)
   * @param height rows (RAW encodings only; 0 otherwise)
   */
  record Encoded(byte[] bytes, ImageEncoding encoding, int width, int height) implements ScanInput {
    public Encoded {
      Objects.requireNonNull(bytes, "bytes");
      Objects.requireNonNull(encoding, "encoding");
    }

    @Override
    public GrayImage image() {
      return ImageDecoder.decode(bytes, encoding, width, height);
    }
  }

  /**
   * A decoded image.
   *
   * @param image the slice
   */
  record Decoded(GrayImage image) implements ScanInput {
    public Decoded {
      Objects.requireNonNull(image, "image");
    }
  }
}
