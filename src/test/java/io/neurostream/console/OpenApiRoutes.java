package io.neurostream.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The routes an OpenAPI document gives a service, as {@code METHOD /path/{param}}. */
final class OpenApiRoutes {

  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch",
      "head", "options");

  private OpenApiRoutes() {}

  /** Routes of paths whose {@code x-neurostream-services} names {@code service}. */
  static Set<String> of(JsonNode openapi, String service) {
    Set<String> out = new TreeSet<>();
    Iterator<Map.Entry<String, JsonNode>> paths = openapi.path("paths").fields();
    while (paths.hasNext()) {
      Map.Entry<String, JsonNode> path = paths.next();
      boolean ours = false;
      for (JsonNode s : path.getValue().path("x-neurostream-services")) {
        ours |= s.asText().equals(service);
      }
      if (!ours) {
        continue;
      }
      path.getValue().fieldNames().forEachRemaining(m -> {
        if (METHODS.contains(m)) {
          out.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey());
        }
      });
    }
    return out;
  }
}
