package io.neurostream.deploy;

import static java.util.Map.entry;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The objects of one rendered kustomization, each parsed strictly into its typed model. A kind
 * that has no model here is an error, not a pass: add it to {@link #KINDS} with its model.
 */
record Manifests(String source, List<Object> objects) {

  /** {@code apiVersion/kind} to model. Secrets are deliberately absent: we only reference them. */
  static final Map<String, Class<?>> KINDS =
      Map.ofEntries(
          entry("v1/Namespace", Namespace.class),
          entry("v1/ServiceAccount", ServiceAccount.class),
          entry("v1/ConfigMap", ConfigMap.class),
          entry("v1/Service", Service.class),
          entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
          entry("apps/v1/Deployment", Deployment.class),
          entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
          entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
          entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
          entry("rbac.authorization.k8s.io/v1/Role", Role.class),
          entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class),
          entry("keda.sh/v1alpha1/ScaledObject", Keda.ScaledObject.class),
          entry("keda.sh/v1alpha1/TriggerAuthentication", Keda.TriggerAuthentication.class));

  static Manifests render(Path kustomization) {
    return parse(kustomization.toString(), KubectlKustomize.render(kustomization));
  }

  static Manifests parse(String source, String yaml) {
    return of(source, StrictYaml.documents(yaml));
  }

  /** Parses already split documents (tests corrupt one of them first). */
  static Manifests of(String source, List<JsonNode> documents) {
    List<Object> objects = new ArrayList<>();
    for (JsonNode doc : documents) {
      objects.add(parseObject(doc));
    }
    return new Manifests(source, List.copyOf(objects));
  }

  static Object parseObject(JsonNode doc) {
    String apiVersion = doc.path("apiVersion").asText();
    String kind = doc.path("kind").asText();
    String name = doc.path("metadata").path("name").asText("<unnamed>");
    if ("Secret".equals(kind)) {
      throw new StrictYaml.StrictnessException(
          "Secret " + name + " is in the manifests; commit a reference (secretKeyRef, envFrom"
              + " secretRef, secret volume) and create the Secret out of band",
          null);
    }
    Class<?> model = KINDS.get(apiVersion + "/" + kind);
    if (model == null) {
      throw new StrictYaml.StrictnessException(
          apiVersion + " " + kind + " " + name + " has no typed model; add it to Manifests.KINDS",
          null);
    }
    try {
      return StrictYaml.parse(doc, model);
    } catch (StrictYaml.StrictnessException e) {
      throw new StrictYaml.StrictnessException(kind + " " + name + ": " + e.getMessage(), e);
    }
  }

  <T> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  <T> Optional<T> find(Class<T> type, String name) {
    return all(type).stream().filter(o -> name.equals(nameOf(o))).findFirst();
  }

  <T> T get(Class<T> type, String name) {
    return find(type, name)
        .orElseThrow(
            () -> new AssertionError(source + " has no " + type.getSimpleName() + " " + name));
  }

  static String nameOf(Object object) {
    ObjectMeta meta;
    if (object instanceof HasMetadata resource) {
      meta = resource.getMetadata();
    } else if (object instanceof Keda.ScaledObject scaled) {
      meta = scaled.metadata();
    } else if (object instanceof Keda.TriggerAuthentication auth) {
      meta = auth.metadata();
    } else {
      throw new IllegalArgumentException("not a manifest: " + object);
    }
    return meta == null ? null : meta.getName();
  }
}
