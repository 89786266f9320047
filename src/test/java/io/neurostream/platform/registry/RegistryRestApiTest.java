package io.neurostream.platform.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurostream.avro.Prediction;
import io.neurostream.avro.ScanEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The REST API as Confluent's clients see it, over HTTP, with the in-memory store. */
class RegistryRestApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final AtomicInteger SUBJECTS = new AtomicInteger();
  private static EmbeddedSchemaRegistry registry;

  private static final String V1 = """
      {"type":"record","name":"Reading","namespace":"test","fields":[
        {"name":"id","type":"string"}]}""";
  private static final String V2_WITH_DEFAULT = """
      {"type":"record","name":"Reading","namespace":"test","fields":[
        {"name":"id","type":"string"},
        {"name":"unit","type":"string","default":"mm"}]}""";
  private static final String V2_WITHOUT_DEFAULT = """
      {"type":"record","name":"Reading","namespace":"test","fields":[
        {"name":"id","type":"string"},
        {"name":"unit","type":"string"}]}""";

  /** One HTTP answer. */
  private record Answer(int status, String contentType, JsonNode body, String raw) {}

  @BeforeAll
  static void start() {
    registry = EmbeddedSchemaRegistry.startInMemory(0);
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  private static String subject() {
    return "rest-test-" + SUBJECTS.incrementAndGet() + "-value";
  }

  private static Answer call(String method, String path, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(registry.url() + path))
        .header("Accept", "application/vnd.schemaregistry.v1+json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/vnd.schemaregistry.v1+json");
    }
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json;
    try {
      json = JSON.readTree(response.body());
    } catch (IOException notJson) {
      json = null;
    }
    return new Answer(response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(""), json, response.body());
  }

  private static String schemaBody(String schema) {
    return JSON.createObjectNode().put("schema", schema).toString();
  }

  private static int register(String subject, String schema) throws Exception {
    Answer answer = call("POST", "/subjects/" + subject + "/versions", schemaBody(schema));
    assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
    return answer.body().get("id").asInt();
  }

  @Test
  void shouldRegisterAndReturnTheSameIdForTheSameSchemaInAnyFormatting() throws Exception {
    String subject = subject();
    int id = register(subject, V1);
    int again = register(subject, V1.replace("\n", " ").replace(",", " , "));

    assertThat(again).isEqualTo(id);
    Answer versions = call("GET", "/subjects/" + subject + "/versions", null);
    assertThat(versions.body().toString()).isEqualTo("[1]");
    assertThat(versions.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
  }

  @Test
  void shouldShareOneGlobalIdAcrossSubjectsAndGrowIdsMonotonically() throws Exception {
    int first = register(subject(), ScanEvent.getClassSchema().toString());
    int same = register(subject(), ScanEvent.getClassSchema().toString());
    int other = register(subject(), Prediction.getClassSchema().toString());

    assertThat(same).isEqualTo(first);
    assertThat(other).isGreaterThan(first);
  }

  @Test
  void shouldServeVersionsSchemasAndIdsLikeConfluent() throws Exception {
    // a namespace of its own, so no other test shares the schema's id
    String v1Text = V1.replace("\"test\"", "\"served\"");
    String subject = subject();
    int id = register(subject, v1Text);
    register(subject, V2_WITH_DEFAULT.replace("\"test\"", "\"served\""));

    Answer latest = call("GET", "/subjects/" + subject + "/versions/latest", null);
    assertThat(latest.body().get("subject").asText()).isEqualTo(subject);
    assertThat(latest.body().get("version").asInt()).isEqualTo(2);
    assertThat(latest.body().has("schemaType")).as("AVRO omits schemaType").isFalse();

    Answer v1 = call("GET", "/subjects/" + subject + "/versions/1", null);
    assertThat(v1.body().get("id").asInt()).isEqualTo(id);
    String canonical = new org.apache.avro.Schema.Parser().parse(v1Text).toString();
    assertThat(v1.body().get("schema").asText()).isEqualTo(canonical);

    Answer raw = call("GET", "/subjects/" + subject + "/versions/1/schema", null);
    assertThat(raw.raw()).isEqualTo(canonical);

    Answer byId = call("GET", "/schemas/ids/" + id, null);
    assertThat(byId.body().get("schema").asText()).isEqualTo(canonical);
    assertThat(byId.body().has("schemaType")).isFalse();

    Answer idVersions = call("GET", "/schemas/ids/" + id + "/versions", null);
    assertThat(idVersions.body().toString())
        .isEqualTo("[{\"subject\":\"" + subject + "\",\"version\":1}]");
    Answer idSubjects = call("GET", "/schemas/ids/" + id + "/subjects", null);
    assertThat(idSubjects.body().toString()).isEqualTo("[\"" + subject + "\"]");

    Answer lookup = call("POST", "/subjects/" + subject, schemaBody(v1Text));
    assertThat(lookup.body().get("version").asInt()).isEqualTo(1);
    assertThat(lookup.body().get("id").asInt()).isEqualTo(id);

    assertThat(call("GET", "/subjects", null).body().toString()).contains("\"" + subject + "\"");
  }

  @Test
  void shouldAnswerConfluentErrorCodesAndBodies() throws Exception {
    String subject = subject();
    Answer noSubject = call("GET", "/subjects/" + subject + "/versions", null);
    assertThat(noSubject.status()).isEqualTo(404);
    assertThat(noSubject.body().get("error_code").asInt()).isEqualTo(40401);
    assertThat(noSubject.body().get("message").asText())
        .isEqualTo("Subject '" + subject + "' not found.");
    assertThat(noSubject.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");

    register(subject, V1);
    Answer noVersion = call("GET", "/subjects/" + subject + "/versions/7", null);
    assertThat(noVersion.status()).isEqualTo(404);
    assertThat(noVersion.body().get("error_code").asInt()).isEqualTo(40402);
    assertThat(noVersion.body().get("message").asText()).isEqualTo("Version 7 not found.");

    Answer noSchema = call("GET", "/schemas/ids/99999", null);
    assertThat(noSchema.status()).isEqualTo(404);
    assertThat(noSchema.body().get("error_code").asInt()).isEqualTo(40403);
    assertThat(noSchema.body().get("message").asText()).isEqualTo("Schema 99999 not found");

    Answer notUnderSubject = call("POST", "/subjects/" + subject, schemaBody(V2_WITH_DEFAULT));
    assertThat(notUnderSubject.status()).isEqualTo(404);
    assertThat(notUnderSubject.body().get("error_code").asInt()).isEqualTo(40403);

    Answer invalid = call("POST", "/subjects/" + subject + "/versions",
        schemaBody("{\"type\":\"record\",\"name\":\"Broken\"}"));
    assertThat(invalid.status()).isEqualTo(422);
    assertThat(invalid.body().get("error_code").asInt()).isEqualTo(42201);
    assertThat(invalid.body().get("message").asText()).startsWith("Invalid schema");

    Answer badVersion = call("GET", "/subjects/" + subject + "/versions/zero", null);
    assertThat(badVersion.status()).isEqualTo(422);
    assertThat(badVersion.body().get("error_code").asInt()).isEqualTo(42202);

    Answer badLevel = call("PUT", "/config/" + subject, "{\"compatibility\":\"SIDEWAYS\"}");
    assertThat(badLevel.status()).isEqualTo(422);
    assertThat(badLevel.body().get("error_code").asInt()).isEqualTo(42203);

    Answer protobuf = call("POST", "/subjects/" + subject + "/versions",
        "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}");
    assertThat(protobuf.status()).isEqualTo(422);
    assertThat(protobuf.body().get("message").asText()).contains("AVRO only");

    Answer unknownPath = call("GET", "/nothing/here", null);
    assertThat(unknownPath.status()).isEqualTo(404);
    assertThat(unknownPath.body().get("error_code").asInt()).isEqualTo(404);
  }

  @Test
  void shouldRefuseAnIncompatibleChangeUnderBackwardWithHttp409() throws Exception {
    // given: the default level, BACKWARD
    String subject = subject();
    register(subject, V1);
    assertThat(call("GET", "/config", null).body().get("compatibilityLevel").asText())
        .isEqualTo("BACKWARD");

    // when: a new required field without a default (v2 cannot read v1 data)
    Answer refused = call("POST", "/subjects/" + subject + "/versions", schemaBody(V2_WITHOUT_DEFAULT));

    // then
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.body().get("error_code").asInt()).isEqualTo(409);
    assertThat(refused.body().get("message").asText())
        .startsWith("Schema being registered is incompatible with an earlier schema for subject")
        .contains("unit");
    assertThat(call("GET", "/subjects/" + subject + "/versions", null).body().toString())
        .isEqualTo("[1]");
    // while a defaulted field is fine
    register(subject, V2_WITH_DEFAULT);
  }

  @Test
  void shouldAllowAnIncompatibleChangeUnderNone() throws Exception {
    String subject = subject();
    register(subject, V1);
    Answer set = call("PUT", "/config/" + subject, "{\"compatibility\":\"NONE\"}");
    assertThat(set.body().get("compatibility").asText()).isEqualTo("NONE");
    assertThat(call("GET", "/config/" + subject, null).body().get("compatibilityLevel").asText())
        .isEqualTo("NONE");

    register(subject, V2_WITHOUT_DEFAULT);

    assertThat(call("GET", "/subjects/" + subject + "/versions", null).body().toString())
        .isEqualTo("[1,2]");
  }

  @Test
  void shouldCheckCompatibilityWithoutRegistering() throws Exception {
    String subject = subject();
    register(subject, V1);

    Answer bad = call("POST", "/compatibility/subjects/" + subject + "/versions/latest?verbose=true",
        schemaBody(V2_WITHOUT_DEFAULT));
    Answer good = call("POST", "/compatibility/subjects/" + subject + "/versions/1",
        schemaBody(V2_WITH_DEFAULT));

    assertThat(bad.body().get("is_compatible").asBoolean()).isFalse();
    assertThat(bad.body().get("messages").toString()).contains("READER_FIELD_MISSING_DEFAULT_VALUE");
    assertThat(good.body().get("is_compatible").asBoolean()).isTrue();
    assertThat(call("GET", "/subjects/" + subject + "/versions", null).body().toString())
        .isEqualTo("[1]");
  }

  @Test
  void shouldApplyForwardAndFullLevels() throws Exception {
    // removing a field without a default: old readers cannot read new data
    String removal = """
        {"type":"record","name":"Reading","namespace":"test","fields":[]}""";
    String forward = subject();
    register(forward, V1);
    call("PUT", "/config/" + forward, "{\"compatibility\":\"FORWARD\"}");
    assertThat(call("POST", "/subjects/" + forward + "/versions", schemaBody(removal)).status())
        .isEqualTo(409);
    register(forward, V2_WITHOUT_DEFAULT); // old readers ignore the new field

    String full = subject();
    register(full, V1);
    call("PUT", "/config/" + full, "{\"compatibility\":\"FULL_TRANSITIVE\"}");
    assertThat(call("POST", "/subjects/" + full + "/versions", schemaBody(V2_WITHOUT_DEFAULT))
        .status()).isEqualTo(409);
    register(full, V2_WITH_DEFAULT);
  }

  @Test
  void shouldAnswerSubjectConfigLikeConfluent() throws Exception {
    String subject = subject();
    Answer none = call("GET", "/config/" + subject, null);
    assertThat(none.status()).isEqualTo(404);
    assertThat(none.body().get("error_code").asInt()).isEqualTo(40408);
    assertThat(call("GET", "/config/" + subject + "?defaultToGlobal=true", null)
        .body().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
    call("PUT", "/config/" + subject, "{\"compatibility\":\"full\"}");
    assertThat(call("DELETE", "/config/" + subject, null).body().get("compatibilityLevel").asText())
        .isEqualTo("FULL");
    assertThat(call("GET", "/config/" + subject, null).status()).isEqualTo(404);
  }

  @Test
  void shouldSoftDeleteASubjectAndKeepItsIds() throws Exception {
    String subject = subject();
    int id = register(subject, V1);

    Answer deleted = call("DELETE", "/subjects/" + subject, null);

    assertThat(deleted.body().toString()).isEqualTo("[1]");
    assertThat(call("GET", "/subjects/" + subject + "/versions", null).status()).isEqualTo(404);
    assertThat(call("GET", "/subjects", null).body().toString()).doesNotContain(subject);
    assertThat(call("GET", "/schemas/ids/" + id, null).status()).isEqualTo(200);
    // registering again gets the same id and a new version
    assertThat(register(subject, V1)).isEqualTo(id);
    assertThat(call("GET", "/subjects/" + subject + "/versions", null).body().toString())
        .isEqualTo("[2]");
  }

  @Test
  void shouldGiveConcurrentRegistrationsOfOneSchemaOneIdAndOfDistinctSchemasDistinctIds()
      throws Exception {
    String subject = subject();
    call("PUT", "/config/" + subject, "{\"compatibility\":\"NONE\"}");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Integer>> same = new ArrayList<>();
      List<Callable<Integer>> distinct = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        same.add(() -> register(subject, V1));
        String schema = "{\"type\":\"record\",\"name\":\"R" + i + "\",\"fields\":[]}";
        distinct.add(() -> register(subject(), schema));
      }
      Set<Integer> sameIds = new HashSet<>();
      for (Future<Integer> f : pool.invokeAll(same)) {
        sameIds.add(f.get());
      }
      Set<Integer> distinctIds = new HashSet<>();
      for (Future<Integer> f : pool.invokeAll(distinct)) {
        distinctIds.add(f.get());
      }
      assertThat(sameIds).hasSize(1);
      assertThat(distinctIds).hasSize(16).doesNotContainAnyElementsOf(sameIds);
      assertThat(call("GET", "/subjects/" + subject + "/versions", null).body().toString())
          .isEqualTo("[1]");
    } finally {
      pool.shutdownNow();
    }
  }
}
