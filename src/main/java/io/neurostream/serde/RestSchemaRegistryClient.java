package io.neurostream.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * {@link SchemaRegistryClient} over the Confluent Schema Registry REST API, for our embedded
 * registry and a real Confluent one alike. Ids and schemas never change once assigned, so both
 * directions are cached for the life of the client. A 5xx answer or an I/O error is retried with
 * exponential back-off (bounded by {@code max.retries} and {@code retries.max.wait.ms}), moving to
 * the next URL of {@code schema.registry.url}; every request is bounded by
 * {@code http.read.timeout.ms}, so a dead registry fails a call instead of hanging it.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final String ACCEPT = "application/vnd.schemaregistry.v1+json,"
      + " application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";

  private final SchemaRegistryConfig config;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();
  private final Optional<String> authorization;
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
  /** Index into the URL list of the registry that answered last; failures move it on. */
  private volatile int activeUrl;

  public RestSchemaRegistryClient(SchemaRegistryConfig config) {
    this.config = config;
    HttpClient.Builder builder = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(config.connectTimeout())
        .followRedirects(HttpClient.Redirect.NEVER);
    config.tls().ifPresent(tls -> builder.sslContext(RegistryTls.sslContext(tls)));
    this.http = builder.build();
    this.authorization = config.userInfo().map(info -> "Basic "
        + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8)));
  }

  /** A client configured from Confluent-style properties ({@code schema.registry.url}, ...). */
  public static RestSchemaRegistryClient fromConfig(Map<String, ?> props) {
    return new RestSchemaRegistryClient(SchemaRegistryConfig.from(props));
  }

  /** The settings this client was built with. */
  public SchemaRegistryConfig config() {
    return config;
  }

  @Override
  public int register(String subject, Schema schema) {
    Integer cached = idsBySubject.getOrDefault(subject, Map.of()).get(schema);
    if (cached != null) {
      return cached;
    }
    JsonNode answer = request("POST", "/subjects/" + encode(subject) + "/versions"
        + normalizeQuery(), schemaBody(schema));
    int id = requireInt(answer, "id", "POST /subjects/" + subject + "/versions");
    remember(subject, schema, id);
    return id;
  }

  @Override
  public int getId(String subject, Schema schema) {
    Integer cached = idsBySubject.getOrDefault(subject, Map.of()).get(schema);
    if (cached != null) {
      return cached;
    }
    JsonNode answer = request("POST", "/subjects/" + encode(subject) + normalizeQuery(),
        schemaBody(schema));
    int id = requireInt(answer, "id", "POST /subjects/" + subject);
    remember(subject, schema, id);
    return id;
  }

  @Override
  public Schema getSchemaById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    JsonNode answer = request("GET", "/schemas/ids/" + id, null);
    Schema schema = parse(answer, "schema id " + id);
    Schema raced = schemasById.putIfAbsent(id, schema);
    return raced != null ? raced : schema;
  }

  @Override
  public RegisteredSchema getLatest(String subject) {
    return version(subject, "latest");
  }

  @Override
  public RegisteredSchema getVersion(String subject, int version) {
    return version(subject, Integer.toString(version));
  }

  private RegisteredSchema version(String subject, String version) {
    JsonNode answer = request("GET", "/subjects/" + encode(subject) + "/versions/" + version, null);
    String what = "subject '" + subject + "' version " + version;
    int id = requireInt(answer, "id", what);
    Schema schema = schemasById.computeIfAbsent(id, unused -> parse(answer, what));
    return new RegisteredSchema(subject, requireInt(answer, "version", what), id, schema);
  }

  @Override
  public List<String> getSubjects() {
    List<String> subjects = new ArrayList<>();
    request("GET", "/subjects", null).forEach(node -> subjects.add(node.asText()));
    return subjects;
  }

  @Override
  public List<Integer> getVersions(String subject) {
    List<Integer> versions = new ArrayList<>();
    request("GET", "/subjects/" + encode(subject) + "/versions", null)
        .forEach(node -> versions.add(node.asInt()));
    return versions;
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    JsonNode answer = request("POST", "/compatibility/subjects/" + encode(subject)
        + "/versions/latest", schemaBody(schema));
    JsonNode flag = answer.get("is_compatible");
    if (flag == null || !flag.isBoolean()) {
      throw new SchemaRegistryException("Schema registry at " + config.urlList()
          + " answered the compatibility check without is_compatible: " + answer, 200, 0);
    }
    return flag.booleanValue();
  }

  private void remember(String subject, Schema schema, int id) {
    idsBySubject.computeIfAbsent(subject, unused -> new ConcurrentHashMap<>()).put(schema, id);
    if (!config.normalizeSchemas()) {
      // Without normalization the registry stores exactly this schema under the id.
      schemasById.putIfAbsent(id, schema);
    }
  }

  private String normalizeQuery() {
    return config.normalizeSchemas() ? "?normalize=true" : "";
  }

  /**
   * The register/lookup body as Confluent's Java serde sends it: the schema's canonical text
   * ({@code Schema.toString()}) and no {@code schemaType}, which means AVRO.
   */
  private String schemaBody(Schema schema) {
    ObjectNode body = json.createObjectNode();
    body.put("schema", schema.toString());
    return body.toString();
  }

  private Schema parse(JsonNode answer, String what) {
    JsonNode type = answer.get("schemaType");
    if (type != null && !type.isNull() && !"AVRO".equalsIgnoreCase(type.asText())) {
      throw new SchemaRegistryException(what + " is a " + type.asText()
          + " schema; this serde reads Avro only", 200, 0);
    }
    JsonNode text = answer.get("schema");
    if (text == null || !text.isTextual()) {
      throw new SchemaRegistryException("Schema registry at " + config.urlList() + " sent no schema"
          + " text for " + what + ": " + abbreviate(answer.toString()), 200, 0);
    }
    try {
      return new Schema.Parser().parse(text.asText());
    } catch (SchemaParseException e) {
      throw new SchemaRegistryException("Schema registry sent an invalid Avro schema for " + what
          + ": " + e.getMessage(), 200, 0, e);
    }
  }

  private int requireInt(JsonNode answer, String field, String what) {
    JsonNode node = answer.get(field);
    if (node == null || !node.canConvertToInt()) {
      throw new SchemaRegistryException("Schema registry at " + config.urlList() + " answered "
          + what + " without '" + field + "': " + abbreviate(answer.toString()), 200, 0);
    }
    return node.intValue();
  }

  /**
   * Sends one request, retrying 5xx answers and I/O failures with exponential back-off across the
   * configured URLs; 4xx answers are final and come back as {@link SchemaRegistryException}
   * carrying Confluent's error code and message.
   */
  JsonNode request(String method, String path, String body) {
    List<URI> urls = config.urls();
    SchemaRegistryException last = null;
    int first = activeUrl;
    for (int attempt = 0; attempt <= config.maxRetries(); attempt++) {
      int index = (first + attempt) % urls.size();
      URI target = URI.create(urls.get(index) + path);
      HttpRequest.Builder request = HttpRequest.newBuilder(target)
          .timeout(config.requestTimeout())
          .header("Accept", ACCEPT)
          .method(method, body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
      if (body != null) {
        request.header("Content-Type", CONTENT_TYPE);
      }
      authorization.ifPresent(value -> request.header("Authorization", value));
      try {
        HttpResponse<String> response =
            http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
          activeUrl = index;
          return response.body().isBlank() ? NullNode.getInstance() : json.readTree(response.body());
        }
        SchemaRegistryException error = errorFrom(method, path, target, status, response.body());
        if (status < 500) {
          throw error;
        }
        last = error;
      } catch (IOException e) {
        last = new SchemaRegistryException("Schema registry at " + urls.get(index) + " did not"
            + " answer " + method + " " + path + ": " + describe(e), 0, 0, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryException("Interrupted while calling the schema registry at "
            + urls.get(index), 0, 0, e);
      }
      if (attempt < config.maxRetries()) {
        sleep(backoff(attempt));
      }
    }
    throw new SchemaRegistryException(last.getMessage() + " (gave up after "
        + (config.maxRetries() + 1) + " attempts over " + config.urlList()
        + "; check that the registry is up, or raise " + SchemaRegistryConfig.MAX_RETRIES + ")",
        last.httpStatus(), last.errorCode(), last.getCause());
  }

  private Duration backoff(int attempt) {
    long wait = config.retryWait().toMillis() << Math.min(attempt, 20);
    return Duration.ofMillis(Math.min(wait, config.retryMaxWait().toMillis()));
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException("Interrupted while waiting to retry the schema registry",
          0, 0, e);
    }
  }

  private SchemaRegistryException errorFrom(String method, String path, URI target, int status,
      String body) {
    int code = status;
    String message = abbreviate(body);
    try {
      JsonNode error = json.readTree(body);
      if (error != null && error.has("error_code")) {
        code = error.get("error_code").asInt(status);
        message = error.path("message").asText(message);
      }
    } catch (IOException notJson) {
      // keep the raw body as the message: a proxy's HTML error page says more than nothing
    }
    String hint = status == 401 || status == 403
        ? " (check basic.auth.credentials.source and basic.auth.user.info)" : "";
    return new SchemaRegistryException("Schema registry at " + target.getScheme() + "://"
        + target.getAuthority() + " answered " + method + " " + path + " with HTTP " + status
        + " (error_code " + code + "): " + message + hint, status, code);
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private static String abbreviate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "...";
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
