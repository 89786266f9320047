package io.neurostream.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the parts of a {@code multipart/related} body (RFC 2387 / RFC 2046) one at a time from a
 * stream, so a study of hundreds of instances never sits in memory whole: at most one part, of at
 * most {@code maxPartBytes}, is held. The whole body is bounded by {@code maxBodyBytes}, header
 * lines and counts are bounded, and every malformed input ends in a {@link MultipartException}
 * naming what is wrong; nothing loops without consuming input.
 */
final class MultipartReader {

  /** One body part: its headers (names lower-case) and its content. */
  record Part(Map<String, String> headers, byte[] body) {

    /** The part's media type without parameters, lower-case; {@code application/dicom} if absent. */
    String mediaType() {
      String type = headers.getOrDefault("content-type", "application/dicom");
      int semi = type.indexOf(';');
      return (semi < 0 ? type : type.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }
  }

  /** A part larger than allowed; the reader has skipped it and can go on with the next. */
  static final class PartTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    PartTooLargeException(String message) {
      super(message);
    }
  }

  private static final int MAX_HEADER_LINE = 8192;
  private static final int MAX_HEADERS = 64;

  private final InputStream in;
  private final byte[] delimiter;
  private final int maxPartBytes;
  private final long maxBodyBytes;
  private long read;
  private boolean started;
  private boolean finished;

  /**
   * @param in the request body
   * @param boundary the boundary parameter of the Content-Type
   * @param maxPartBytes largest part content accepted
   * @param maxBodyBytes largest body accepted
   */
  MultipartReader(InputStream in, String boundary, int maxPartBytes, long maxBodyBytes) {
    if (boundary == null || !boundary.matches("[0-9A-Za-z'()+_,\\-./:=? ]{0,69}[0-9A-Za-z'()+_,\\-./:=?]")) {
      throw new MultipartException("the multipart boundary must be 1 to 70 characters of RFC 2046's "
          + "set (letters, digits, '()+_,-./:=? and inner spaces); got "
          + (boundary == null ? "none" : "'" + boundary + "'"));
    }
    this.in = in;
    this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    this.maxPartBytes = maxPartBytes;
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * The next part, or null after the close delimiter.
   *
   * @throws PartTooLargeException when the part exceeds {@code maxPartBytes} (it is skipped)
   * @throws MultipartException when the body is malformed or exceeds {@code maxBodyBytes}
   */
  Part next() throws IOException {
    if (finished) {
      return null;
    }
    if (!started) {
      skipPreamble();
      started = true;
      if (afterDelimiter()) {
        return null;
      }
    }
    Map<String, String> headers = readHeaders();
    ByteArrayOutputStream body = new ByteArrayOutputStream(Math.min(maxPartBytes, 1 << 16));
    boolean tooLarge = !readUntilDelimiter(body, maxPartBytes);
    finished = afterDelimiter();
    if (tooLarge) {
      throw new PartTooLargeException("a part exceeds " + maxPartBytes + " bytes");
    }
    return new Part(headers, body.toByteArray());
  }

  /** Skips to the first delimiter; the preamble may start directly with "--boundary". */
  private void skipPreamble() throws IOException {
    // treat the body as if it began with CRLF, so a leading "--boundary" matches the delimiter
    int matched = 2;
    while (true) {
      int c = read();
      if (c < 0) {
        throw new MultipartException("the body ends before the first boundary; check the "
            + "boundary parameter of Content-Type");
      }
      if (c == (delimiter[matched] & 0xff)) {
        matched++;
        if (matched == delimiter.length) {
          return;
        }
      } else {
        matched = c == '\r' ? 1 : 0;
      }
    }
  }

  /** After a delimiter: "--" closes the body, else optional padding and CRLF open a part. */
  private boolean afterDelimiter() throws IOException {
    int c = read();
    if (c == '-') {
      if (read() != '-') {
        throw new MultipartException("malformed close delimiter after the boundary");
      }
      return true; // the epilogue is ignored
    }
    int padding = 0;
    while (c == ' ' || c == '\t') {
      if (++padding > 1024) {
        throw new MultipartException("too much padding after a boundary");
      }
      c = read();
    }
    if (c != '\r' || read() != '\n') {
      throw new MultipartException(c < 0 ? "the body ends after a boundary without the close "
          + "delimiter; the upload was cut short" : "a boundary is not followed by CRLF");
    }
    return false;
  }

  private Map<String, String> readHeaders() throws IOException {
    Map<String, String> headers = new LinkedHashMap<>();
    for (int n = 0; ; n++) {
      String line = readLine();
      if (line.isEmpty()) {
        return headers;
      }
      if (n >= MAX_HEADERS) {
        throw new MultipartException("a part has more than " + MAX_HEADERS + " header lines");
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new MultipartException("malformed part header line: "
            + line.substring(0, Math.min(80, line.length())));
      }
      headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(64);
    while (true) {
      int c = read();
      if (c < 0) {
        throw new MultipartException("the body ends inside a part's headers");
      }
      if (c == '\r') {
        int lf = read();
        if (lf == '\n') {
          return line.toString(StandardCharsets.ISO_8859_1);
        }
        throw new MultipartException("a part header line has CR without LF");
      }
      if (line.size() >= MAX_HEADER_LINE) {
        throw new MultipartException("a part header line exceeds " + MAX_HEADER_LINE + " bytes");
      }
      line.write(c);
    }
  }

  /**
   * Copies content up to the next delimiter into {@code out}, keeping at most {@code limit}
   * bytes; returns false when the content was longer (the rest is read and dropped).
   */
  private boolean readUntilDelimiter(ByteArrayOutputStream out, int limit) throws IOException {
    int matched = 0;
    long kept = 0;
    boolean fits = true;
    while (true) {
      int c = read();
      if (c < 0) {
        throw new MultipartException("the body ends inside a part, before its boundary; the "
            + "upload was cut short");
      }
      if (c == (delimiter[matched] & 0xff)) {
        matched++;
        if (matched == delimiter.length) {
          return fits;
        }
        continue;
      }
      if (matched > 0) {
        // the delimiter starts with CR and has no other CR, so a mismatch can only restart at c
        if (fits && kept + matched <= limit) {
          out.write(delimiter, 0, matched);
          kept += matched;
        } else {
          fits = false;
        }
        matched = 0;
        if (c == (delimiter[0] & 0xff)) {
          matched = 1;
          continue;
        }
      }
      if (fits && kept < limit) {
        out.write(c);
        kept++;
      } else {
        fits = false;
      }
    }
  }

  private int read() throws IOException {
    int c = in.read();
    if (c >= 0 && ++read > maxBodyBytes) {
      throw new MultipartException.TooLarge("the request body exceeds " + maxBodyBytes
          + " bytes (gateway.max.request.mib); send fewer instances per request or raise it");
    }
    return c;
  }
}
