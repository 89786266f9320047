package io.neurostream.platform.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of the Confluent Schema Registry REST API that serdes and Confluent's clients use, over
 * a {@link SchemaStore}: subjects and versions, schemas by id, compatibility checks, config, soft
 * deletes. Answers {@code application/vnd.schemaregistry.v1+json} and Confluent's error bodies
 * ({@code {"error_code":40401,"message":"Subject 'x' not found."}}).
 */
final class RegistryHttpApi implements HttpHandler {

  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final Logger LOG = LoggerFactory.getLogger(RegistryHttpApi.class);
  /** A bound on request bodies: the largest Avro schema we expect is a few kilobytes. */
  private static final int MAX_BODY_BYTES = 8 * 1024 * 1024;

  private final SchemaStore store;
  private final ObjectMapper json = new ObjectMapper();
  private final Optional<String> expectedAuthorization;

  RegistryHttpApi(SchemaStore store, Optional<String> expectedAuthorization) {
    this.store = store;
    this.expectedAuthorization = expectedAuthorization;
  }

  /** A request split into what the routes need. */
  private record Call(String method, List<String> path, Map<String, String> query, JsonNode body) {

    String segment(int i) {
      return path.get(i);
    }

    boolean flag(String name) {
      return Boolean.parseBoolean(query.getOrDefault(name, "false"));
    }
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      int status;
      Object body;
      try {
        if (!authorized(exchange)) {
          exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"schema-registry\"");
          throw new RegistryException(401, 401, "Unauthorized");
        }
        Call call = new Call(exchange.getRequestMethod().toUpperCase(),
            segments(exchange.getRequestURI().getRawPath()),
            query(exchange.getRequestURI().getRawQuery()), readBody(exchange));
        body = route(call);
        status = 200;
      } catch (RegistryException e) {
        status = e.status();
        body = error(e.errorCode(), e.getMessage());
      } catch (JsonProcessingException e) {
        status = 400;
        body = error(400, "Malformed JSON request body: " + e.getOriginalMessage());
      } catch (RuntimeException e) {
        LOG.warn("Schema registry failed on {} {}", exchange.getRequestMethod(),
            exchange.getRequestURI(), e);
        status = 500;
        body = error(50001, "Error in the schema registry: " + e);
      }
      byte[] bytes = body instanceof String raw
          ? raw.getBytes(StandardCharsets.UTF_8)
          : json.writeValueAsBytes(body);
      exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private boolean authorized(HttpExchange exchange) {
    if (expectedAuthorization.isEmpty()) {
      return true;
    }
    String given = exchange.getRequestHeaders().getFirst("Authorization");
    return expectedAuthorization.get().equals(given);
  }

  private Object route(Call call) {
    List<String> p = call.path();
    String method = call.method();
    if (p.isEmpty()) {
      return json.createObjectNode();
    }
    switch (p.get(0)) {
      case "subjects" -> {
        if (p.size() == 1 && method.equals("GET")) {
          return store.subjects(call.flag("deleted"));
        }
        if (p.size() == 2) {
          String subject = call.segment(1);
          if (method.equals("POST")) {
            return version(store.lookup(subject, schemaText(call), call.flag("deleted")));
          }
          if (method.equals("DELETE")) {
            refusePermanent(call);
            return store.deleteSubject(subject);
          }
          throw notAllowed();
        }
        if (p.size() >= 3 && p.get(2).equals("versions")) {
          String subject = call.segment(1);
          if (p.size() == 3) {
            if (method.equals("GET")) {
              return store.versions(subject, call.flag("deleted"));
            }
            if (method.equals("POST")) {
              ObjectNode answer = json.createObjectNode();
              answer.put("id", store.register(subject, schemaText(call)));
              return answer;
            }
            throw notAllowed();
          }
          String version = call.segment(3);
          if (p.size() == 4) {
            if (method.equals("GET")) {
              return version(store.version(subject, version, call.flag("deleted")));
            }
            if (method.equals("DELETE")) {
              refusePermanent(call);
              return store.deleteVersion(subject, version);
            }
            throw notAllowed();
          }
          if (p.size() == 5 && p.get(4).equals("schema") && method.equals("GET")) {
            return store.version(subject, version, call.flag("deleted")).schema();
          }
        }
      }
      case "schemas" -> {
        if (p.size() == 2 && p.get(1).equals("types") && method.equals("GET")) {
          return List.of("AVRO");
        }
        if (p.size() >= 3 && p.get(1).equals("ids") && method.equals("GET")) {
          int id = schemaId(call.segment(2));
          if (p.size() == 3) {
            ObjectNode answer = json.createObjectNode();
            answer.put("schema", store.schemaById(id));
            return answer;
          }
          if (p.size() == 4 && p.get(3).equals("versions")) {
            ArrayNode answer = json.createArrayNode();
            for (SchemaStore.Version v : store.versionsOfId(id)) {
              answer.addObject().put("subject", v.subject()).put("version", v.version());
            }
            return answer;
          }
          if (p.size() == 4 && p.get(3).equals("subjects")) {
            return store.versionsOfId(id).stream().map(SchemaStore.Version::subject).distinct()
                .toList();
          }
        }
      }
      case "compatibility" -> {
        if (p.size() == 5 && p.get(1).equals("subjects") && p.get(3).equals("versions")
            && method.equals("POST")) {
          List<String> problems =
              store.compatibility(call.segment(2), call.segment(4), schemaText(call));
          ObjectNode answer = json.createObjectNode();
          answer.put("is_compatible", problems.isEmpty());
          if (call.flag("verbose")) {
            problems.forEach(answer.putArray("messages")::add);
          }
          return answer;
        }
      }
      case "config" -> {
        return config(call);
      }
      case "mode" -> {
        if (method.equals("GET")) {
          ObjectNode answer = json.createObjectNode();
          answer.put("mode", "READWRITE");
          return answer;
        }
      }
      default -> {
        // 404 below
      }
    }
    throw new RegistryException(404, 404, "HTTP 404 Not Found");
  }

  private Object config(Call call) {
    List<String> p = call.path();
    String method = call.method();
    if (p.size() > 2) {
      throw new RegistryException(404, 404, "HTTP 404 Not Found");
    }
    String subject = p.size() == 2 ? call.segment(1) : null;
    switch (method) {
      case "GET" -> {
        CompatibilityLevel level;
        if (subject == null) {
          level = store.globalLevel();
        } else {
          Optional<CompatibilityLevel> own = store.subjectLevel(subject);
          if (own.isEmpty() && !call.flag("defaultToGlobal")) {
            throw new RegistryException(404, RegistryException.SUBJECT_LEVEL_CONFIG_NOT_FOUND,
                "Subject '" + subject + "' does not have subject-level compatibility configured");
          }
          level = own.orElse(store.globalLevel());
        }
        ObjectNode answer = json.createObjectNode();
        answer.put("compatibilityLevel", level.name());
        return answer;
      }
      case "PUT" -> {
        JsonNode given = call.body() == null ? null : call.body().get("compatibility");
        CompatibilityLevel level =
            CompatibilityLevel.parse(given == null || given.isNull() ? null : given.asText());
        store.setLevel(subject, level);
        ObjectNode answer = json.createObjectNode();
        answer.put("compatibility", level.name());
        return answer;
      }
      case "DELETE" -> {
        if (subject == null) {
          store.setLevel(null, CompatibilityLevel.BACKWARD);
          ObjectNode answer = json.createObjectNode();
          answer.put("compatibilityLevel", CompatibilityLevel.BACKWARD.name());
          return answer;
        }
        ObjectNode answer = json.createObjectNode();
        answer.put("compatibilityLevel", store.clearSubjectLevel(subject).name());
        return answer;
      }
      default -> throw notAllowed();
    }
  }

  private ObjectNode version(SchemaStore.Version v) {
    ObjectNode answer = json.createObjectNode();
    answer.put("subject", v.subject());
    answer.put("version", v.version());
    answer.put("id", v.id());
    answer.put("schema", v.schema());
    return answer;
  }

  /** The schema text of a register/lookup/compatibility body, refusing what we do not support. */
  private static String schemaText(Call call) {
    JsonNode body = call.body();
    if (body == null || !body.isObject()) {
      throw new RegistryException(422, RegistryException.INVALID_SCHEMA,
          "Invalid schema: the request body must be a JSON object with a 'schema' field");
    }
    JsonNode type = body.get("schemaType");
    if (type != null && !type.isNull() && !type.asText().equalsIgnoreCase("AVRO")) {
      throw new RegistryException(422, RegistryException.INVALID_SCHEMA,
          "Invalid schema: schemaType " + type.asText() + " is not supported by this registry"
              + " (AVRO only)");
    }
    JsonNode references = body.get("references");
    if (references != null && references.isArray() && !references.isEmpty()) {
      throw new RegistryException(422, RegistryException.INVALID_SCHEMA,
          "Invalid schema: schema references are not supported by this registry; inline the"
              + " referenced types");
    }
    JsonNode schema = body.get("schema");
    if (schema == null || !schema.isTextual()) {
      throw new RegistryException(422, RegistryException.INVALID_SCHEMA,
          "Invalid schema: the request has no 'schema' text");
    }
    return schema.asText();
  }

  private static void refusePermanent(Call call) {
    if (call.flag("permanent")) {
      throw new RegistryException(422, 42206, "Permanent deletes are not supported by this"
          + " registry; soft deletes keep ids stable across restarts");
    }
  }

  private static int schemaId(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw RegistryException.schemaNotFound("Schema " + text + " not found");
    }
  }

  private static RegistryException notAllowed() {
    return new RegistryException(405, 405, "HTTP 405 Method Not Allowed");
  }

  private Map<String, Object> error(int code, String message) {
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("error_code", code);
    body.put("message", message);
    return body;
  }

  private JsonNode readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
      if (bytes.length > MAX_BODY_BYTES) {
        throw new RegistryException(413, 413, "Request body exceeds " + MAX_BODY_BYTES + " bytes");
      }
      if (bytes.length == 0) {
        return null;
      }
      return json.readTree(bytes);
    }
  }

  private static List<String> segments(String rawPath) {
    List<String> segments = new ArrayList<>();
    for (String part : rawPath.split("/")) {
      if (!part.isEmpty()) {
        segments.add(URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8));
      }
    }
    return segments;
  }

  private static Map<String, String> query(String rawQuery) {
    Map<String, String> params = new HashMap<>();
    if (rawQuery == null) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "true" : pair.substring(eq + 1);
      params.put(URLDecoder.decode(key, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return params;
  }
}
