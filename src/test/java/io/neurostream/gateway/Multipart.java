package io.neurostream.gateway;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Builds multipart/related bodies of DICOM parts, as STOW-RS clients send them. */
public final class Multipart {

  public static final String BOUNDARY = "neurostream-test-boundary-7d1f";

  private Multipart() {}

  /** The Content-Type header value for {@link #body}. */
  public static String contentType() {
    return "multipart/related; type=\"application/dicom\"; boundary=" + BOUNDARY;
  }

  /** A body with one application/dicom part per instance. */
  public static byte[] body(List<byte[]> instances) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] instance : instances) {
      out.writeBytes(("--" + BOUNDARY + "\r\nContent-Type: application/dicom\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(instance);
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }
}
