package io.neurostream.training;

import io.neurostream.avro.DementiaStage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A train/validation/test split by subject: all slices of a subject land in one part, because
 * slices of one patient in both train and test inflate accuracy (Yagis et al., Sci Rep 2021).
 *
 * <p>Stratified by class: each class's subjects are shuffled by the seed and cut separately, so
 * every part keeps the class mix. Per class with {@code n} subjects: {@code test = round(n ×
 * testFraction)} and {@code val = round(n × valFraction)}, then
 *
 * <ul>
 *   <li>a class with at least 2 subjects has at least 1 in test (when testFraction > 0): a class
 *       missing from test cannot be evaluated;
 *   <li>a class with at least 3 subjects has at least 1 in validation (when valFraction > 0);
 *   <li>train always keeps at least 1 subject of each class (validation gives way first, then
 *       test), so a class with a single subject is train-only and is reported as such.
 * </ul>
 *
 * <p>A subject's class is the label of most of its slices (ties go to the more severe stage). The
 * same images and seed give the same split, whatever the order of the input. Each part keeps the
 * input's order.
 *
 * @param train images to train on
 * @param validation images for early stopping and model selection
 * @param test held-out images for the final evaluation
 */
public record SubjectSplit(
    List<LabeledImage> train, List<LabeledImage> validation, List<LabeledImage> test) {

  public SubjectSplit {
    train = List.copyOf(train);
    validation = List.copyOf(validation);
    test = List.copyOf(test);
  }

  /**
   * Splits {@code images} by subject.
   *
   * @param testFraction share of each class's subjects for test, in [0, 1)
   * @param valFraction share of each class's subjects for validation, in [0, 1)
   * @throws IllegalArgumentException when the fractions are out of range or sum to 1 or more
   */
  public static SubjectSplit split(
      List<LabeledImage> images, double testFraction, double valFraction, long seed) {
    if (!(testFraction >= 0 && valFraction >= 0 && testFraction + valFraction < 1)) {
      throw new IllegalArgumentException("test fraction " + testFraction + " and validation fraction "
          + valFraction + " must be >= 0 and sum to less than 1 (e.g. 0.2 and 0.1)");
    }
    // subject -> label counts, then the subject's class
    Map<String, int[]> votes = new HashMap<>();
    for (LabeledImage img : images) {
      votes.computeIfAbsent(img.subject(), s -> new int[DementiaStage.values().length])
          [img.label().ordinal()]++;
    }
    Map<DementiaStage, List<String>> byClass = new EnumMap<>(DementiaStage.class);
    for (Map.Entry<String, int[]> e : new TreeMap<>(votes).entrySet()) {
      int[] v = e.getValue();
      int best = 0;
      for (int k = 1; k < v.length; k++) {
        if (v[k] >= v[best]) {
          best = k;
        }
      }
      byClass.computeIfAbsent(DementiaStage.values()[best], k -> new ArrayList<>()).add(e.getKey());
    }
    Set<String> testSubjects = new HashSet<>();
    Set<String> valSubjects = new HashSet<>();
    for (Map.Entry<DementiaStage, List<String>> e : byClass.entrySet()) {
      List<String> subjects = e.getValue(); // sorted by id (TreeMap), so input order does not matter
      Collections.shuffle(subjects, new Random(seed * 31 + e.getKey().ordinal()));
      int n = subjects.size();
      int nTest = (int) Math.round(n * testFraction);
      int nVal = (int) Math.round(n * valFraction);
      if (testFraction > 0 && n >= 2) {
        nTest = Math.max(1, nTest);
      }
      if (valFraction > 0 && n >= 3) {
        nVal = Math.max(1, nVal);
      }
      while (nTest + nVal > n - 1 && nVal > 0) {
        nVal--;
      }
      while (nTest + nVal > n - 1 && nTest > 0) {
        nTest--;
      }
      testSubjects.addAll(subjects.subList(0, nTest));
      valSubjects.addAll(subjects.subList(nTest, nTest + nVal));
    }
    List<LabeledImage> train = new ArrayList<>();
    List<LabeledImage> val = new ArrayList<>();
    List<LabeledImage> test = new ArrayList<>();
    for (LabeledImage img : images) {
      if (testSubjects.contains(img.subject())) {
        test.add(img);
      } else if (valSubjects.contains(img.subject())) {
        val.add(img);
      } else {
        train.add(img);
      }
    }
    return new SubjectSplit(train, val, test);
  }

  /** Subjects per class in each part, e.g. for a log line or a report. */
  public Map<String, Map<DementiaStage, Integer>> subjectsPerClass() {
    Map<String, Map<DementiaStage, Integer>> out = new LinkedHashMap<>();
    out.put("train", countSubjects(train));
    out.put("validation", countSubjects(validation));
    out.put("test", countSubjects(test));
    return out;
  }

  private static Map<DementiaStage, Integer> countSubjects(List<LabeledImage> part) {
    Map<DementiaStage, Set<String>> subjects = new EnumMap<>(DementiaStage.class);
    for (LabeledImage img : part) {
      subjects.computeIfAbsent(img.label(), k -> new HashSet<>()).add(img.subject());
    }
    Map<DementiaStage, Integer> counts = new EnumMap<>(DementiaStage.class);
    for (DementiaStage s : DementiaStage.values()) {
      counts.put(s, subjects.getOrDefault(s, Set.of()).size());
    }
    return counts;
  }
}
