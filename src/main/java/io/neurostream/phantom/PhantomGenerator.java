package io.neurostream.phantom;

import io.neurostream.imaging.GrayImage;
import io.neurostream.avro.DementiaStage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Makes synthetic axial T1 brain-MRI slices that look like the Kaggle "Alzheimer MRI Preprocessed
 * Dataset" (128 × 128 gray), for training and tests where the real data cannot be downloaded.
 *
 * <p>Each subject gets a stage (by the configured proportions, shuffled by the seed), a continuous
 * atrophy severity drawn around that stage's mean so that neighbouring stages overlap, and an
 * anatomy and acquisition of its own (head size and shape, position, rotation, contrast, bias
 * field, noise, slice levels). See {@link BrainPhantom} for what is drawn. Everything follows from
 * the seed: the same seed gives the same subjects and the same pixels, in any order and on any
 * number of threads. Instances are immutable and thread-safe.
 *
 * <pre>{@code
 * PhantomGenerator gen = PhantomGenerator.builder().setSeed(7).build();
 * for (PhantomSubject s : gen.subjects(200, 32)) {
 *   GrayImage slice0 = gen.render(s, 0);
 * }
 * }</pre>
 */
public final class PhantomGenerator {

  /** Subject proportions of the seed data set: Non 50%, Very mild 35%, Mild 14%, Moderate 1%. */
  public static final List<Double> SEED_PROPORTIONS = List.of(0.50, 0.35, 0.14, 0.01);

  /** Mean severity per stage (DementiaStage order) and the spread around it. */
  private static final double[] STAGE_MEAN = {0.10, 0.38, 0.64, 0.90};

  private static final double STAGE_SPREAD = 0.11;

  private final long seed;
  private final int size;
  private final double[] proportions;

  private PhantomGenerator(Builder b) {
    this.seed = b.seed;
    this.size = b.size;
    this.proportions = b.proportions.clone();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Image side in pixels. */
  public int size() {
    return size;
  }

  /**
   * Subjects per stage for {@code n} subjects: the largest-remainder rounding of the proportions,
   * then, when {@code n >= 4}, every stage with a non-zero proportion gets at least one subject
   * (taken from the largest stage), so that even a small set has a Moderate subject.
   */
  public int[] subjectsPerStage(int n) {
    int stages = proportions.length;
    int[] counts = new int[stages];
    double[] remainder = new double[stages];
    int assigned = 0;
    for (int k = 0; k < stages; k++) {
      double exact = n * proportions[k];
      counts[k] = (int) Math.floor(exact);
      remainder[k] = exact - counts[k];
      assigned += counts[k];
    }
    while (assigned < n) {
      int best = 0;
      for (int k = 1; k < stages; k++) {
        if (remainder[k] > remainder[best]) {
          best = k;
        }
      }
      counts[best]++;
      remainder[best] = -1;
      assigned++;
    }
    if (n >= stages) {
      for (int k = 0; k < stages; k++) {
        if (counts[k] == 0 && proportions[k] > 0) {
          int largest = 0;
          for (int j = 1; j < stages; j++) {
            if (counts[j] > counts[largest]) {
              largest = j;
            }
          }
          counts[largest]--;
          counts[k]++;
        }
      }
    }
    return counts;
  }

  /**
   * The {@code n} subjects of a data set with {@code slicesPerSubject} slices each. Ids are {@code
   * sub-0000} … in index order; stages are shuffled over the indices by the seed.
   */
  public List<PhantomSubject> subjects(int n, int slicesPerSubject) {
    if (n < 1) {
      throw new IllegalArgumentException("subjects must be at least 1, got " + n);
    }
    if (slicesPerSubject < 1) {
      throw new IllegalArgumentException("slices per subject must be at least 1, got " + slicesPerSubject);
    }
    int[] counts = subjectsPerStage(n);
    DementiaStage[] stages = new DementiaStage[n];
    int at = 0;
    for (int k = 0; k < counts.length; k++) {
      for (int c = 0; c < counts[k]; c++) {
        stages[at++] = DementiaStage.values()[k];
      }
    }
    SplittableRandom shuffle = new SplittableRandom(mix(seed, -1));
    for (int i = n - 1; i > 0; i--) {
      int j = shuffle.nextInt(i + 1);
      DementiaStage tmp = stages[i];
      stages[i] = stages[j];
      stages[j] = tmp;
    }
    int digits = Math.max(4, Integer.toString(n - 1).length());
    List<PhantomSubject> subjects = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long subjectSeed = mix(seed, i);
      SplittableRandom r = new SplittableRandom(subjectSeed ^ 0x5DEECE66DL);
      int stage = stages[i].ordinal();
      double severity = STAGE_MEAN[stage] + r.nextGaussian() * STAGE_SPREAD;
      severity = Math.max(0, Math.min(1, severity));
      subjects.add(new PhantomSubject(
          String.format("sub-%0" + digits + "d", i), i, stages[i], severity, slicesPerSubject,
          subjectSeed));
    }
    return subjects;
  }

  /** Slice {@code slice} (0 = lowest level) of {@code subject}, {@link #size()} pixels square. */
  public GrayImage render(PhantomSubject subject, int slice) {
    if (slice < 0 || slice >= subject.sliceCount()) {
      throw new IndexOutOfBoundsException(
          "slice " + slice + " of " + subject.id() + " which has " + subject.sliceCount());
    }
    return new BrainPhantom(subject).render(slice, subject.sliceCount(), size);
  }

  /** SplitMix64 of the data set seed and an index: independent, well-mixed per-subject seeds. */
  private static long mix(long seed, long index) {
    long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Options of a {@link PhantomGenerator}: the seed is required. */
  public static final class Builder {
    private Long seedOrNull;
    private long seed;
    private int size = 128;
    private double[] proportions = SEED_PROPORTIONS.stream().mapToDouble(Double::doubleValue).toArray();

    private Builder() {}

    public Builder setSeed(long seed) {
      this.seedOrNull = seed;
      this.seed = seed;
      return this;
    }

    /** Image side in pixels, 32 to 1024; default 128 (the Kaggle set's size). */
    public Builder optSize(int size) {
      if (size < 32 || size > 1024) {
        throw new IllegalArgumentException("size must be 32..1024 pixels, got " + size);
      }
      this.size = size;
      return this;
    }

    /**
     * Subject proportions in {@link DementiaStage} order (Non, Very mild, Mild, Moderate); any
     * non-negative weights with a positive sum, normalized here.
     */
    public Builder optProportions(double... weights) {
      if (weights.length != DementiaStage.values().length) {
        throw new IllegalArgumentException("proportions need 4 weights (Non, Very mild, Mild, "
            + "Moderate), got " + weights.length + ": " + Arrays.toString(weights));
      }
      double sum = 0;
      for (double w : weights) {
        if (!(w >= 0) || !Double.isFinite(w)) {
          throw new IllegalArgumentException("proportions must be non-negative, got "
              + Arrays.toString(weights));
        }
        sum += w;
      }
      if (sum <= 0) {
        throw new IllegalArgumentException("proportions must not all be zero");
      }
      double[] p = new double[weights.length];
      for (int k = 0; k < p.length; k++) {
        p[k] = weights[k] / sum;
      }
      this.proportions = p;
      return this;
    }

    public PhantomGenerator build() {
      if (seedOrNull == null) {
        throw new IllegalStateException("PhantomGenerator needs setSeed(...)");
      }
      return new PhantomGenerator(this);
    }
  }
}
