package io.neurostream.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * YAML into typed models with every unknown or mistyped field rejected, the way the API server
 * rejects it under strict field validation.
 *
 * <p>Jackson's {@code FAIL_ON_UNKNOWN_PROPERTIES} alone is not enough for fabric8's models: each
 * of them has a {@code @JsonAnySetter} that files unknown fields into an
 * {@code additionalProperties} map, so {@code readinessProbes:} (a typo) would parse silently.
 * This mapper's introspector switches every any-setter and {@code ignoreUnknown} off, so such a
 * field fails with its path; a round trip (typed model back to a tree, compared with the input)
 * then catches whatever a lenient deserializer might still drop or coerce.
 */
final class StrictYaml {

  /** Thrown when a document does not map onto its model exactly; the message names the field. */
  static final class StrictnessException extends RuntimeException {
    StrictnessException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static final YAMLMapper MAPPER = strictMapper();

  private StrictYaml() {}

  static YAMLMapper mapper() {
    return MAPPER;
  }

  /** Every document of a multi-document YAML stream ({@code ---} separated), empty ones skipped. */
  static List<JsonNode> documents(String yaml) {
    try (var values = MAPPER.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
      List<JsonNode> docs = new ArrayList<>();
      while (values.hasNext()) {
        JsonNode doc = values.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          docs.add(doc);
        }
      }
      return docs;
    } catch (IOException e) {
      throw new StrictnessException("not valid YAML: " + e.getMessage(), e);
    }
  }

  /** Parses {@code tree} into {@code type}, rejecting unknown fields and lossy conversions. */
  static <T> T parse(JsonNode tree, Class<T> type) {
    T value;
    try {
      value = MAPPER.treeToValue(tree, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new StrictnessException(
          type.getSimpleName() + ": " + e.getMessage().lines().findFirst().orElse(""), e);
    }
    JsonNode back = MAPPER.valueToTree(value);
    List<String> differences = new ArrayList<>();
    diff("", tree, back, differences);
    if (!differences.isEmpty()) {
      throw new StrictnessException(
          type.getSimpleName() + " does not round-trip (unknown or mistyped fields): " + differences,
          null);
    }
    return value;
  }

  private static void diff(String path, JsonNode original, JsonNode parsed, List<String> out) {
    if (original.isObject()) {
      if (!parsed.isObject()) {
        out.add(path + " became " + parsed.getNodeType());
        return;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = original.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        JsonNode counterpart = parsed.get(field.getKey());
        String child = path + "." + field.getKey();
        if (counterpart == null) {
          if (!isEmpty(field.getValue())) {
            out.add(child + " was dropped");
          }
        } else {
          diff(child, field.getValue(), counterpart, out);
        }
      }
    } else if (original.isArray()) {
      if (!parsed.isArray() || parsed.size() != original.size()) {
        out.add(path + " changed length or type");
        return;
      }
      for (int i = 0; i < original.size(); i++) {
        diff(path + "[" + i + "]", original.get(i), parsed.get(i), out);
      }
    } else if (!sameScalar(original, parsed)) {
      out.add(path + ": " + original + " became " + parsed);
    }
  }

  /** Numbers compare by value: an int field read back from a {@code long} model is the same. */
  private static boolean sameScalar(JsonNode original, JsonNode parsed) {
    if (original.isNumber() && parsed.isNumber()) {
      return original.decimalValue().compareTo(parsed.decimalValue()) == 0;
    }
    return original.equals(parsed);
  }

  /** {@code {}} and {@code []} and null are what serializers legitimately leave out. */
  private static boolean isEmpty(JsonNode node) {
    return node.isNull() || (node.isContainerNode() && node.isEmpty());
  }

  private static YAMLMapper strictMapper() {
    YAMLMapper mapper =
        YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .annotationIntrospector(new NoCatchAllIntrospector())
            .build();
    // Kubernetes and KEDA reject `value: 3` where a string is expected (e.g. env values, KEDA
    // trigger metadata): so do we, instead of quietly turning 3 into "3".
    mapper
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    return mapper;
  }

  /** Turns off the catch-alls that would let an unknown field through. */
  private static final class NoCatchAllIntrospector extends JacksonAnnotationIntrospector {
    @Override
    public Boolean hasAnySetter(Annotated a) {
      return Boolean.FALSE;
    }

    @Override
    public JsonIgnoreProperties.Value findPropertyIgnoralByName(MapperConfig<?> config, Annotated a) {
      return super.findPropertyIgnoralByName(config, a).withoutIgnoreUnknown();
    }
  }

  /** A copy of {@code tree} for tests that corrupt one field. */
  static ObjectNode copy(JsonNode tree) {
    return (ObjectNode) tree.deepCopy();
  }
}
