package io.neurostream.verdict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurostream.imaging.SecondaryCapture.StudyAttribute;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The two DICOMweb calls results need: QIDO-RS for a study's patient and study attributes, and
 * STOW-RS of one instance into a study. A status other than 2xx is thrown as a {@link
 * Refused} (permanent) or {@link Unavailable} (5xx, 408, 429, connection errors: retry).
 */
final class DicomWebClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** A failure worth retrying. */
  static final class Unavailable extends Exception {
    Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A failure that a retry would repeat (4xx other than 408 and 429, a malformed answer). */
  static final class Refused extends Exception {
    final int status;

    Refused(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private final URI root;
  private final Optional<String> authorization;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10)).build();

  DicomWebClient(URI root, Optional<String> authorization) {
    this.root = root;
    this.authorization = authorization;
  }

  /**
   * The study's {@link StudyAttribute}s as the PACS holds them (person names in their alphabetic
   * form), or empty when the PACS does not have the study.
   */
  Optional<Map<StudyAttribute, String>> study(String studyUid) throws Unavailable, Refused {
    StringBuilder query = new StringBuilder("/studies?StudyInstanceUID=")
        .append(URLEncoder.encode(studyUid, StandardCharsets.US_ASCII));
    for (StudyAttribute a : StudyAttribute.values()) {
      query.append("&includefield=").append(a.hex());
    }
    HttpResponse<byte[]> r = send(request(query.toString())
        .header("Accept", "application/dicom+json").GET().build(), "QIDO-RS");
    if (r.statusCode() == 204 || r.body().length == 0) {
      return Optional.empty();
    }
    JsonNode studies;
    try {
      studies = JSON.readTree(r.body());
    } catch (IOException e) {
      throw new Refused(r.statusCode(), "QIDO-RS answer is not DICOM JSON: " + e.getMessage());
    }
    if (!studies.isArray() || studies.isEmpty()) {
      return Optional.empty();
    }
    Map<StudyAttribute, String> out = new EnumMap<>(StudyAttribute.class);
    for (StudyAttribute a : StudyAttribute.values()) {
      JsonNode value = studies.get(0).path(a.hex()).path("Value").path(0);
      String text = value.isObject() ? value.path("Alphabetic").asText("") : value.asText("");
      if (!text.isEmpty()) {
        out.put(a, text);
      }
    }
    return Optional.of(out);
  }

  /** Stores {@code dicom} into {@code studyUid}; returns the status (2xx). */
  int store(String studyUid, byte[] dicom) throws Unavailable, Refused {
    String boundary = "neurostream-" + UUID.nameUUIDFromBytes(dicom);
    ByteArrayOutputStream body = new ByteArrayOutputStream(dicom.length + 256);
    body.writeBytes(("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    body.writeBytes(dicom);
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    HttpResponse<byte[]> r = send(request("/studies/" + studyUid)
        .header("Content-Type",
            "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
        .header("Accept", "application/dicom+json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), "STOW-RS");
    return r.statusCode();
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(root + path)).timeout(TIMEOUT);
    authorization.ifPresent(a -> b.header("Authorization", a));
    return b;
  }

  private HttpResponse<byte[]> send(HttpRequest request, String what)
      throws Unavailable, Refused {
    HttpResponse<byte[]> r;
    try {
      r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new Unavailable(what + " " + request.uri() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable(what + " interrupted", e);
    }
    int status = r.statusCode();
    if (status / 100 == 2) {
      return r;
    }
    String text = new String(r.body(), StandardCharsets.UTF_8);
    String message = what + " " + request.method() + " " + request.uri() + " answered " + status
        + ": " + (text.length() > 500 ? text.substring(0, 500) + "..." : text);
    if (status >= 500 || status == 408 || status == 429) {
      throw new Unavailable(message, null);
    }
    throw new Refused(status, message + (status == 401 || status == 403
        ? " (check results.dicomweb.auth.bearer.token / results.dicomweb.auth.basic.user.info)"
        : ""));
  }
}
