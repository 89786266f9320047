package io.neurostream.phantom;

import static io.neurostream.phantom.PhantomShapes.grid;
import static io.neurostream.phantom.PhantomShapes.uniform;
import static io.neurostream.phantom.PhantomShapes.wrap;

import io.neurostream.imaging.GrayImage;
import java.util.SplittableRandom;

/**
 * The anatomy of one phantom subject and the renderer of its axial T1-weighted slices.
 *
 * <p>Geometry lives in a head frame: x to the subject's side, y posterior (down in the image, as
 * radiologists display axial slices), the brain's anterior-posterior half-length at its widest
 * level is 1. A slice level {@code z} in [0, 1] runs from the temporal lobes (0) to near the vertex
 * (1). A pixel's tissue comes from its distance to the nearest CSF (brain surface, sulcus or
 * interhemispheric fissure): negative is CSF, a thin band is cortex (gray matter), deeper is white
 * matter; so the cortex follows every sulcus the way a real ribbon does. Deep structures (lateral
 * and third ventricles, caudate, thalamus, lentiform nucleus, hippocampus, temporal horns, midbrain
 * and its cistern) are laid over, then the skull and scalp, then the acquisition: bias field,
 * contrast, Rician noise.
 *
 * <p>Severity (0 healthy … 1 severe) drives atrophy: the brain shrinks inside the skull (wider
 * subarachnoid CSF), ventricles and temporal horns enlarge, sulci and fissures widen, the cortex
 * thins, the hippocampus shrinks and the third ventricle widens. Per-subject random factors
 * (ventricle size, cortex thickness, sulcal pattern) blur the signal so the stages overlap.
 *
 * <p>Transcendental functions are {@link StrictMath}'s, so the pixels do not depend on which JIT
 * intrinsics a JVM uses; the hot loop avoids them (tables, squared-distance tests).
 */
final class BrainPhantom {

  static final int ANGLES = 720;
  static final int SULCI = 44;
  static final int SEGMENTS = 4; // 3 along the sulcus, 1 branch
  private static final int GAMMA_STEPS = 1024;
  private static final double GAMMA_MAX = 2.0;

  private final long seed;
  // placement and shape
  private final double scale;
  final double aspect;
  private final double rotation;
  private final double tx;
  private final double ty;
  final double egg;
  final double[] harmonicAmp = new double[4];
  final double[] harmonicPhase = new double[4];
  final double scalpThickness;
  final double diploeThickness;
  final double scalpAsymmetry;
  // contrast
  final double wm;
  final double gm;
  final double csf;
  final double scalp;
  final double diploe;
  final double bone;
  private final double gain;
  private final double gamma;
  private final float[] gammaTable = new float[GAMMA_STEPS + 2];
  private final double noiseSigma;
  private final double[] bias = new double[5];
  // slice levels
  private final double zLo;
  private final double zHi;
  // atrophy-driven anatomy
  final double brainShrink;
  final double ventricleSize;
  final double sulcusWidth;
  final double gmThickness;
  final double hippocampusScale;
  final double temporalHornScale;
  final double fissureWidth;
  final double thirdVentricleWidth;
  final double cisternWidth;
  final double severity;
  // sulcal pattern (subject-level; slices perturb it)
  final double[] sulcusAngle = new double[SULCI];
  final double[] sulcusDepth = new double[SULCI];
  final double[] sulcusWiggle = new double[SULCI];
  final double[] sulcusFreq = new double[SULCI];
  final double[] sulcusPhase = new double[SULCI];
  final double[] sulcusWidthFactor = new double[SULCI];
  final double[] sulcusDeviation = new double[SULCI];
  final double[] branchAngle = new double[SULCI];
  final double[] branchLength = new double[SULCI];

  BrainPhantom(PhantomSubject subject) {
    this.seed = subject.seed();
    this.severity = subject.severity();
    SplittableRandom r = new SplittableRandom(seed);
    double s = severity;

    scale = uniform(r, 0.74, 0.84);
    aspect = uniform(r, 0.82, 0.94);
    rotation = StrictMath.toRadians(r.nextGaussian() * 3.0);
    tx = r.nextGaussian() * 0.03;
    ty = r.nextGaussian() * 0.03;
    egg = uniform(r, 0.0, 0.06);
    for (int k = 0; k < 4; k++) {
      harmonicAmp[k] = r.nextGaussian() * 0.012 / (k + 1);
      harmonicPhase[k] = r.nextDouble() * 2 * Math.PI;
    }
    scalpThickness = uniform(r, 0.035, 0.07);
    diploeThickness = uniform(r, 0.015, 0.03);
    scalpAsymmetry = uniform(r, 0.0, 0.4);

    wm = uniform(r, 0.70, 0.80);
    gm = wm - uniform(r, 0.22, 0.30) + 0.04 * s; // GM/WM contrast fades a little with atrophy
    csf = uniform(r, 0.05, 0.13);
    scalp = uniform(r, 0.45, 0.75);
    diploe = uniform(r, 0.25, 0.45);
    bone = uniform(r, 0.03, 0.08);
    gain = uniform(r, 0.88, 1.12);
    gamma = uniform(r, 0.85, 1.15);
    noiseSigma = uniform(r, 0.012, 0.035);
    for (int k = 0; k < gammaTable.length; k++) {
      gammaTable[k] = (float) StrictMath.pow(k * GAMMA_MAX / GAMMA_STEPS, gamma);
    }
    for (int k = 0; k < bias.length; k++) {
      bias[k] = r.nextGaussian() * 0.06;
    }

    zLo = uniform(r, 0.10, 0.24);
    zHi = uniform(r, 0.74, 0.90);

    // individual anatomy independent of the stage: healthy ventricles vary a lot between people
    double ventricleTrait = StrictMath.exp(r.nextGaussian() * 0.18);
    double cortexTrait = StrictMath.exp(r.nextGaussian() * 0.08);
    double hippocampusTrait = StrictMath.exp(r.nextGaussian() * 0.07);
    brainShrink = 0.012 + 0.055 * s + Math.abs(r.nextGaussian()) * 0.006;
    ventricleSize = ventricleTrait * (1.1 + 1.4 * s);
    sulcusWidth = 0.002 + 0.028 * s * uniform(r, 0.8, 1.2);
    gmThickness = cortexTrait * 0.062 * (1 - 0.3 * s);
    hippocampusScale = hippocampusTrait * (1.0 - 0.42 * s);
    temporalHornScale = 1.0 + 1.9 * s * uniform(r, 0.8, 1.2);
    fissureWidth = 0.003 + 0.018 * s;
    thirdVentricleWidth = 0.008 + 0.02 * s;
    cisternWidth = 0.012 + 0.03 * s;

    // sulci spread around the circumference, avoiding the midline where the fissure is
    for (int k = 0; k < SULCI; k++) {
      double a;
      do {
        a = -Math.PI + 2 * Math.PI * (k + 0.5 + 0.35 * r.nextGaussian()) / SULCI;
        a = wrap(a);
      } while (Math.abs(Math.abs(a) - Math.PI / 2) < 0.14);
      sulcusAngle[k] = a;
      sulcusDepth[k] = 0.05 + 0.22 * StrictMath.pow(r.nextDouble(), 0.8);
      sulcusWiggle[k] = uniform(r, 0.005, 0.025);
      sulcusFreq[k] = uniform(r, 12, 30);
      sulcusPhase[k] = r.nextDouble() * 2 * Math.PI;
      sulcusWidthFactor[k] = uniform(r, 0.6, 1.4);
      sulcusDeviation[k] = r.nextGaussian() * 0.18;
      branchAngle[k] = r.nextDouble() < 0.4 ? (r.nextBoolean() ? 1 : -1) * uniform(r, 0.35, 0.75) : 0;
      branchLength[k] = uniform(r, 0.25, 0.5);
    }
  }

  /** The level of slice {@code i} of {@code n}: evenly spaced between the subject's limits. */
  double level(int i, int n) {
    return zLo + (zHi - zLo) * (i + 0.5) / n;
  }

  /** Renders slice {@code i} of {@code n} at {@code size × size} pixels. */
  GrayImage render(int i, int n, int size) {
    SplittableRandom r = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (i + 1)));
    double z = level(i, n) + r.nextGaussian() * 0.01;
    z = Math.max(0, Math.min(1, z));
    PhantomSlice slice = new PhantomSlice(this, z, r);
    float[] out = new float[size * size];
    double pixel = 2.0 / size / scale; // head-frame units per pixel
    double edge = 0.7 * pixel;
    double cos = StrictMath.cos(rotation);
    double sin = StrictMath.sin(rotation);
    double[] texture = grid(r);
    for (int py = 0; py < size; py++) {
      double bigY = (py + 0.5) * 2.0 / size - 1;
      for (int px = 0; px < size; px++) {
        double bigX = (px + 0.5) * 2.0 / size - 1;
        double dx = bigX - tx;
        double dy = bigY - ty;
        double x = (cos * dx + sin * dy) / scale;
        double y = (-sin * dx + cos * dy) / scale;
        double v = slice.intensity(x, y, edge, texture);
        // acquisition: smooth multiplicative bias field, contrast, Rician noise
        double b = 1 + bias[0] * bigX + bias[1] * bigY + bias[2] * bigX * bigY
            + bias[3] * (bigX * bigX - bigY * bigY) + bias[4] * (bigX * bigX + bigY * bigY);
        v = applyGamma(v * b * gain);
        double n1 = v + r.nextGaussian() * noiseSigma;
        double n2 = r.nextGaussian() * noiseSigma;
        v = Math.sqrt(n1 * n1 + n2 * n2);
        out[py * size + px] = (float) Math.min(1, v);
      }
    }
    return new GrayImage(size, size, out);
  }

  /** {@code v^gamma} by table: Math.pow per pixel would dominate the render time. */
  private double applyGamma(double v) {
    if (v <= 0) {
      return 0;
    }
    double f = Math.min(v, GAMMA_MAX) * GAMMA_STEPS / GAMMA_MAX;
    int k = (int) f;
    double w = f - k;
    return gammaTable[k] * (1 - w) + gammaTable[k + 1] * w;
  }
}
