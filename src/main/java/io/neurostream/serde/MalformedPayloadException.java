package io.neurostream.serde;

import java.io.IOException;

/**
 * The Avro body of a record is not a valid encoding of its writer schema. An {@link IOException}
 * because Avro's {@code Decoder} methods may only throw that; the deserializer turns it into a
 * {@code SerializationException}.
 */
final class MalformedPayloadException extends IOException {

  private final int offset;

  MalformedPayloadException(String what, int offset) {
    super(what + " (at byte " + offset + " of the Avro body)");
    this.offset = offset;
  }

  /** Where in the Avro body (after the 5-byte header) decoding failed. */
  int offset() {
    return offset;
  }
}
