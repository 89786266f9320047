package io.neurostream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The overlays under {@code k8s/overlays} rendered with {@code kubectl kustomize} (once per
 * overlay and JVM), as typed {@link Manifests} or as mutable documents a test may corrupt.
 */
final class RenderedOverlays {

  static final Path OVERLAYS = Path.of("k8s", "overlays");
  private static final Map<String, String> RENDERED = new ConcurrentHashMap<>();

  private RenderedOverlays() {}

  static Manifests manifests(String overlay) {
    return Manifests.parse(overlay, rendered(overlay));
  }

  static String rendered(String overlay) {
    return RENDERED.computeIfAbsent(overlay, o -> KubectlKustomize.render(OVERLAYS.resolve(o)));
  }

  /** Fresh mutable copies of an overlay's rendered documents. */
  static List<JsonNode> documents(String overlay) {
    return new ArrayList<>(StrictYaml.documents(rendered(overlay)));
  }

  /** The document of {@code kind} named {@code name} (any name when null). */
  static ObjectNode object(List<JsonNode> docs, String kind, String name) {
    return (ObjectNode)
        docs.stream()
            .filter(d -> d.path("kind").asText().equals(kind))
            .filter(d -> name == null || d.at("/metadata/name").asText().equals(name))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  static ObjectNode container(ObjectNode deployment) {
    return (ObjectNode) deployment.at("/spec/template/spec/containers/0");
  }
}
