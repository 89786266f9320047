package io.neurostream.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Copies parameters between blocks of the same layout, and checks that loaded parameters have the
 * shapes an architecture expects. DJL loads a parameter by position and name only, so without this
 * check a file built for another architecture could load "successfully" and fail much later.
 */
final class ParameterTransfer {

  private ParameterTransfer() {}

  /** Parameter paths and shapes of an initialized block, in order. */
  static Map<String, Shape> shapes(Block block) {
    Map<String, Shape> out = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      out.put(p.getKey(), p.getValue().getArray().getShape());
    }
    return out;
  }

  /** Fails with a precise message if {@code block}'s parameters differ from {@code expected}. */
  static void checkShapes(Block block, Map<String, Shape> expected, String what) {
    Map<String, Shape> actual = shapes(block);
    if (actual.size() != expected.size()) {
      throw new IllegalStateException(
          "found " + actual.size() + " parameters, " + what + " has " + expected.size());
    }
    Iterator<Map.Entry<String, Shape>> a = actual.entrySet().iterator();
    for (Map.Entry<String, Shape> e : expected.entrySet()) {
      Map.Entry<String, Shape> got = a.next();
      if (!got.getValue().equals(e.getValue())) {
        throw new IllegalStateException(
            "parameter " + e.getKey() + " has shape " + got.getValue() + " but " + what
                + " expects " + e.getValue());
      }
    }
  }

  /**
   * Copies every parameter of {@code from} into {@code to} (allocated by {@code manager}); both must
   * be initialized and have the same layout.
   */
  static void copy(Block from, Block to, NDManager manager, String what) {
    Map<String, Shape> expected = shapes(to);
    Map<String, Shape> source = shapes(from);
    if (!source.values().stream().toList().equals(expected.values().stream().toList())) {
      throw new IllegalArgumentException(
          what + " does not fit: it has " + source.size() + " parameters of other shapes than the "
              + expected.size() + " this backbone needs; use weights of a backbone with the same"
              + " depth and channels");
    }
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        from.saveParameters(out);
      }
      ParameterArrays replaced = ParameterArrays.of(to);
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        to.loadParameters(manager, in);
      }
      replaced.closeReplaced();
    } catch (IOException | MalformedModelException e) {
      throw new IllegalArgumentException(what + " could not be copied: " + e.getMessage(), e);
    }
    checkShapes(to, expected, "the backbone");
  }
}
