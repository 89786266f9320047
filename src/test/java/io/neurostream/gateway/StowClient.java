package io.neurostream.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A STOW-RS client for tests: posts multipart/related bodies, optionally chunked. */
public final class StowClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http;
  private final String base;
  private final String authorization;

  public StowClient(HttpClient http, String base, String authorization) {
    this.http = http;
    this.base = base;
    this.authorization = authorization;
  }

  public StowClient(int port, String authorization) {
    this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
        "http://127.0.0.1:" + port, authorization);
  }

  /** A response: status, parsed dicom+json body (or null), raw text, Warning and all headers. */
  public record Answer(int status, JsonNode json, String text, List<String> warnings,
      HttpHeaders headers) {

    /** SOP Instance UIDs of ReferencedSOPSequence (0008,1199). */
    public List<String> stored() {
      return uids("00081199");
    }

    /** SOP Instance UIDs of FailedSOPSequence (0008,1198). */
    public List<String> failed() {
      return uids("00081198");
    }

    /** Failure Reasons (0008,1197) in FailedSOPSequence order. */
    public List<Integer> reasons() {
      List<Integer> out = new ArrayList<>();
      if (json != null && json.has("00081198")) {
        json.get("00081198").get("Value").forEach(i -> out.add(i.get("00081197").get("Value")
            .get(0).asInt()));
      }
      return out;
    }

    private List<String> uids(String tag) {
      List<String> out = new ArrayList<>();
      if (json != null && json.has(tag)) {
        json.get(tag).get("Value").forEach(i -> {
          JsonNode v = i.get("00081155").get("Value");
          out.add(v == null ? "" : v.get(0).asText());
        });
      }
      return out;
    }
  }

  public Answer store(String path, String contentType, byte[] body, boolean chunked)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", contentType)
        .header("Accept", "application/dicom+json")
        .POST(chunked
            ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
            : HttpRequest.BodyPublishers.ofByteArray(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = null;
    if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/dicom+json")) {
      json = JSON.readTree(r.body());
    }
    return new Answer(r.statusCode(), json, r.body(), r.headers().allValues("Warning"),
        r.headers());
  }

  public Answer store(List<byte[]> instances) throws IOException, InterruptedException {
    return store("/dicom-web/studies", Multipart.contentType(), Multipart.body(instances), false);
  }
}
