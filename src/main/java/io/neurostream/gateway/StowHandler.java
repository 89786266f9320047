package io.neurostream.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The STOW-RS endpoint (PS3.18 10.5): {@code POST /dicom-web/studies} and {@code POST
 * /dicom-web/studies/{StudyInstanceUID}} with a {@code multipart/related;
 * type="application/dicom"} body, chunked or not. It checks, in order: path and method (404,
 * 405), credentials (401), media type (415), declared size (413), and admission (503 with
 * Retry-After when {@code gateway.max.requests.in.flight} requests are already being stored, so
 * load becomes back pressure rather than memory). The stored/failed outcome is answered as
 * {@code application/dicom+json} with the status {@link StowOutcome#httpStatus()} gives.
 */
final class StowHandler implements HttpHandler {

  private static final Logger LOG = LoggerFactory.getLogger(StowHandler.class);
  static final String PREFIX = "/dicom-web/studies";
  private static final Pattern PATH =
      Pattern.compile("^/dicom-web/studies(?:/([0-9.]{1,64}))?/?$");
  private static final Pattern BOUNDARY =
      Pattern.compile("(?i)(?:^|;)\\s*boundary\\s*=\\s*(\"([^\"]*)\"|[^;\\s]+)");
  private static final Pattern TYPE =
      Pattern.compile("(?i)(?:^|;)\\s*type\\s*=\\s*(\"([^\"]*)\"|[^;\\s]+)");

  /** The most of an unwanted request body read before answering (see {@link #drain}). */
  private static final long DRAIN_LIMIT = 16L << 20;

  private final StowIngest ingest;
  private final GatewayAuth auth;
  private final GatewayMetrics metrics;
  private final Semaphore inFlight;
  private final Duration admissionWait;
  private final int maxInstanceBytes;
  private final long maxRequestBytes;

  StowHandler(StowIngest ingest, GatewayAuth auth, GatewayMetrics metrics, int maxInFlight,
      Duration admissionWait, int maxInstanceBytes, long maxRequestBytes) {
    this.ingest = ingest;
    this.auth = auth;
    this.metrics = metrics;
    this.inFlight = new Semaphore(maxInFlight, true);
    this.admissionWait = admissionWait;
    this.maxInstanceBytes = maxInstanceBytes;
    this.maxRequestBytes = maxRequestBytes;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    long start = System.nanoTime();
    int status = 500;
    try (ex) {
      status = serve(ex);
    } catch (IOException | RuntimeException e) {
      LOG.warn("STOW-RS request failed: {}", e.toString());
      throw e;
    } finally {
      metrics.request(status, System.nanoTime() - start);
    }
  }

  private int serve(HttpExchange ex) throws IOException {
    Matcher path = PATH.matcher(ex.getRequestURI().getPath());
    if (!path.matches()) {
      return text(ex, 404, "not found; STOW-RS is POST " + PREFIX + "[/{StudyInstanceUID}]");
    }
    if (!"POST".equalsIgnoreCase(ex.getRequestMethod())) {
      ex.getResponseHeaders().set("Allow", "POST");
      return text(ex, 405, ex.getRequestMethod() + " is not supported; this gateway implements "
          + "STOW-RS (POST) only");
    }
    if (!auth.allows(ex.getRequestHeaders().getFirst("Authorization"))) {
      ex.getResponseHeaders().set("WWW-Authenticate", auth.challenge());
      return text(ex, 401, "credentials missing or wrong; send the configured bearer token or "
          + "basic credentials in the Authorization header");
    }
    String contentType = ex.getRequestHeaders().getFirst("Content-Type");
    String mediaError = mediaTypeError(contentType);
    if (mediaError != null) {
      return text(ex, 415, mediaError);
    }
    String length = ex.getRequestHeaders().getFirst("Content-Length");
    if (length != null && parseLong(length) > maxRequestBytes) {
      return text(ex, 413, "the request has " + length + " bytes, above the " + maxRequestBytes
          + " of gateway.max.request.mib; send fewer instances per request or raise it");
    }
    if (!admit()) {
      ex.getResponseHeaders().set("Retry-After", "1");
      return text(ex, 503, "the gateway is storing gateway.max.requests.in.flight requests "
          + "already; send again after a second");
    }
    try {
      return store(ex, contentType, path.group(1));
    } finally {
      inFlight.release();
    }
  }

  private int store(HttpExchange ex, String contentType, String studyUid) throws IOException {
    String boundary = parameter(BOUNDARY, contentType);
    StowOutcome outcome;
    try (InputStream body = new BufferedInputStream(ex.getRequestBody(), 1 << 16)) {
      MultipartReader parts = new MultipartReader(body, boundary, maxInstanceBytes,
          maxRequestBytes);
      try {
        outcome = ingest.store(parts, studyUid);
      } catch (MultipartException.TooLarge e) {
        return text(ex, 413, e.getMessage());
      } catch (MultipartException e) {
        return text(ex, 400, "the body is not valid multipart/related: " + e.getMessage());
      }
    }
    if (outcome.isEmpty()) {
      return text(ex, 400, "the request holds no DICOM instance; send at least one "
          + "application/dicom part");
    }
    int status = outcome.httpStatus();
    if (status == 503) {
      ex.getResponseHeaders().set("Retry-After", "5");
    }
    outcome.failed().stream().limit(10).forEach(f -> ex.getResponseHeaders().add("Warning",
        "299 neurostream-gateway \"" + f.instance().sopInstanceUid() + ": "
            + f.detail().replace('"', '\'').replaceAll("[\\r\\n]", " ") + "\""));
    String studyUrl = studyUid == null ? null : PREFIX + "/" + studyUid;
    byte[] json = StowResponse.json(outcome, studyUrl);
    ex.getResponseHeaders().set("Content-Type", StowResponse.MEDIA_TYPE);
    ex.sendResponseHeaders(status, json.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(json);
    }
    return status;
  }

  /** Null when the Content-Type is multipart/related of application/dicom, else why not. */
  static String mediaTypeError(String contentType) {
    if (contentType == null) {
      return "no Content-Type; send multipart/related; type=\"application/dicom\"; boundary=...";
    }
    String media = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!media.equals("multipart/related")) {
      return "Content-Type is " + media + "; STOW-RS here takes multipart/related; "
          + "type=\"application/dicom\"";
    }
    String type = parameter(TYPE, contentType);
    if (type != null && !type.trim().equalsIgnoreCase("application/dicom")) {
      return "multipart/related of type " + type + " is not supported; send the instances as "
          + "type=\"application/dicom\" (DICOM Part 10 files), not metadata and bulk data";
    }
    if (parameter(BOUNDARY, contentType) == null) {
      return "Content-Type has no boundary parameter";
    }
    return null;
  }

  private static String parameter(Pattern p, String contentType) {
    Matcher m = p.matcher(contentType);
    if (!m.find()) {
      return null;
    }
    return m.group(2) != null ? m.group(2) : m.group(1);
  }

  private boolean admit() {
    try {
      return inFlight.tryAcquire(admissionWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Reads and drops what is left of the request body, up to {@link #DRAIN_LIMIT}: a client still
   * sending when the answer comes would otherwise see a reset instead of the answer. Beyond the
   * limit the connection is closed after the answer.
   */
  private static void drain(HttpExchange ex) {
    byte[] sink = new byte[1 << 16];
    long left = DRAIN_LIMIT;
    try {
      InputStream in = ex.getRequestBody();
      int n;
      while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) >= 0) {
        left -= n;
      }
    } catch (IOException | RuntimeException e) {
      left = 0;
    }
    if (left <= 0) {
      ex.getResponseHeaders().set("Connection", "close");
    }
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static int text(HttpExchange ex, int status, String message) throws IOException {
    drain(ex);
    byte[] bytes = (message + "\n").getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
    return status;
  }
}
