package io.neurostream.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The body of a STOW-RS response in {@code application/dicom+json} (PS3.18 F.2): Retrieve URL
 * (0008,1190) of the study when the request named one, ReferencedSOPSequence (0008,1199) of the
 * stored instances and FailedSOPSequence (0008,1198) with each failed instance's Failure Reason
 * (0008,1197).
 */
final class StowResponse {

  static final String MEDIA_TYPE = "application/dicom+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private StowResponse() {}

  static byte[] json(StowOutcome outcome, String studyUrl) {
    ObjectNode root = JSON.createObjectNode();
    if (studyUrl != null) {
      element(root, "00081190", "UR").putArray("Value").add(studyUrl);
    }
    if (!outcome.failed().isEmpty()) {
      ArrayNode items = element(root, "00081198", "SQ").putArray("Value");
      for (StowOutcome.Failure f : outcome.failed()) {
        ObjectNode item = reference(items.addObject(), f.instance());
        element(item, "00081197", "US").putArray("Value").add(f.reason().code());
      }
    }
    if (!outcome.stored().isEmpty()) {
      ArrayNode items = element(root, "00081199", "SQ").putArray("Value");
      for (StowOutcome.Instance i : outcome.stored()) {
        reference(items.addObject(), i);
      }
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write a STOW-RS response", e);
    }
  }

  private static ObjectNode reference(ObjectNode item, StowOutcome.Instance instance) {
    uid(item, "00081150", instance.sopClassUid());
    uid(item, "00081155", instance.sopInstanceUid());
    return item;
  }

  private static void uid(ObjectNode item, String tag, String uid) {
    ObjectNode e = element(item, tag, "UI");
    if (uid != null && !uid.isEmpty()) {
      e.putArray("Value").add(uid);
    }
  }

  private static ObjectNode element(ObjectNode parent, String tag, String vr) {
    ObjectNode e = parent.putObject(tag);
    e.put("vr", vr);
    return e;
  }
}
