package io.neurostream.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@link ManifestPolicy}'s network rules: every workload is isolated by NetworkPolicies. */
final class NetworkRules {

  private NetworkRules() {}

  /** Each workload under an ingress+egress policy limited to its ports and to DNS/Kafka/registry. */
  static void check(
      Manifests manifests, String where, PodTemplateSpec template, List<String> out) {
    Map<String, String> labels = template.getMetadata().getLabels();
    List<NetworkPolicy> policies =
        manifests.all(NetworkPolicy.class).stream()
            .filter(p -> selects(p.getSpec().getPodSelector(), labels))
            .toList();
    if (policies.isEmpty()) {
      out.add(where + ": no NetworkPolicy selects its pods");
      return;
    }
    boolean ingress = false;
    boolean egress = false;
    Set<Integer> containerPorts = new java.util.HashSet<>();
    Set<String> portNames = new java.util.HashSet<>();
    for (Container c : template.getSpec().getContainers()) {
      for (ContainerPort p : c.getPorts()) {
        containerPorts.add(p.getContainerPort());
        Optional.ofNullable(p.getName()).ifPresent(portNames::add);
      }
    }
    for (NetworkPolicy policy : policies) {
      String at = where + " / NetworkPolicy " + policy.getMetadata().getName();
      ingress |= policy.getSpec().getPolicyTypes().contains("Ingress");
      egress |= policy.getSpec().getPolicyTypes().contains("Egress");
      for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
        if (rule.getPorts().isEmpty()) {
          out.add(at + ": an ingress rule without ports opens every port; allow only metrics");
        }
        for (NetworkPolicyPort port : rule.getPorts()) {
          IntOrString p = port.getPort();
          boolean known =
              p != null
                  && (p.getIntVal() != null
                      ? containerPorts.contains(p.getIntVal())
                      : portNames.contains(p.getStrVal()));
          if (!known) {
            out.add(at + ": ingress port " + (p == null ? "(any)" : p.getValue())
                + " is not a port of the pod");
          }
        }
      }
      for (NetworkPolicyEgressRule rule : policy.getSpec().getEgress()) {
        if (rule.getPorts().isEmpty()) {
          out.add(at + ": an egress rule without ports allows everything");
        }
        for (NetworkPolicyPort port : rule.getPorts()) {
          Integer number = port.getPort() == null ? null : port.getPort().getIntVal();
          if (number == null || !ManifestPolicy.ALLOWED_EGRESS_PORTS.contains(number)) {
            out.add(at + ": egress port " + (port.getPort() == null ? "(any)"
                : port.getPort().getValue()) + " is not DNS, Kafka or the registry "
                + ManifestPolicy.ALLOWED_EGRESS_PORTS);
          }
        }
      }
    }
    if (!ingress || !egress) {
      out.add(where + ": its NetworkPolicies must restrict both Ingress and Egress");
    }
  }

  /** Whether a selector (matchLabels only; expressions are refused) selects {@code labels}. */
  static boolean selects(LabelSelector selector, Map<String, String> labels) {
    if (selector == null || !selector.getMatchExpressions().isEmpty()) {
      return false;
    }
    return labels.entrySet().containsAll(selector.getMatchLabels().entrySet());
  }
}
