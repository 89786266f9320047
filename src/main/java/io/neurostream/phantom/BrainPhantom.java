package io.neurostream.phantom;

import io.neurostream.imaging.GrayImage;
import java.util.Arrays;
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

  private static final int ANGLES = 720;
  private static final int SULCI = 44;
  private static final int SEGMENTS = 4; // 3 along the sulcus, 1 branch
  private static final int TEXTURE_GRID = 7;
  private static final int GAMMA_STEPS = 1024;
  private static final double GAMMA_MAX = 2.0;
  private static final double COS_LENS = StrictMath.cos(0.25);
  private static final double SIN_LENS = StrictMath.sin(0.25);
  private static final double COS_CAUDATE = StrictMath.cos(-0.3);
  private static final double SIN_CAUDATE = StrictMath.sin(-0.3);
  private static final double COS_HIPPOCAMPUS = StrictMath.cos(-0.3);
  private static final double SIN_HIPPOCAMPUS = StrictMath.sin(-0.3);

  private final long seed;
  // placement and shape
  private final double scale;
  private final double aspect;
  private final double rotation;
  private final double tx;
  private final double ty;
  private final double egg;
  private final double[] harmonicAmp = new double[4];
  private final double[] harmonicPhase = new double[4];
  private final double scalpThickness;
  private final double diploeThickness;
  private final double scalpAsymmetry;
  // contrast
  private final double wm;
  private final double gm;
  private final double csf;
  private final double scalp;
  private final double diploe;
  private final double bone;
  private final double gain;
  private final double gamma;
  private final float[] gammaTable = new float[GAMMA_STEPS + 2];
  private final double noiseSigma;
  private final double[] bias = new double[5];
  // slice levels
  private final double zLo;
  private final double zHi;
  // atrophy-driven anatomy
  private final double brainShrink;
  private final double ventricleSize;
  private final double sulcusWidth;
  private final double gmThickness;
  private final double hippocampusScale;
  private final double temporalHornScale;
  private final double fissureWidth;
  private final double thirdVentricleWidth;
  private final double cisternWidth;
  private final double severity;
  // sulcal pattern (subject-level; slices perturb it)
  private final double[] sulcusAngle = new double[SULCI];
  private final double[] sulcusDepth = new double[SULCI];
  private final double[] sulcusWiggle = new double[SULCI];
  private final double[] sulcusFreq = new double[SULCI];
  private final double[] sulcusPhase = new double[SULCI];
  private final double[] sulcusWidthFactor = new double[SULCI];
  private final double[] sulcusDeviation = new double[SULCI];
  private final double[] branchAngle = new double[SULCI];
  private final double[] branchLength = new double[SULCI];

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
    Slice slice = new Slice(z, r);
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

  /** A coarse random grid for smooth tissue texture, sampled bilinearly. */
  private static double[] grid(SplittableRandom r) {
    double[] g = new double[TEXTURE_GRID * TEXTURE_GRID];
    for (int k = 0; k < g.length; k++) {
      g[k] = r.nextGaussian();
    }
    return g;
  }

  private static double sampleGrid(double[] g, double x, double y) {
    double gx = Math.max(0, Math.min(TEXTURE_GRID - 1.001, (x * 0.5 + 0.5) * (TEXTURE_GRID - 1)));
    double gy = Math.max(0, Math.min(TEXTURE_GRID - 1.001, (y * 0.5 + 0.5) * (TEXTURE_GRID - 1)));
    int ix = (int) gx;
    int iy = (int) gy;
    double fx = gx - ix;
    double fy = gy - iy;
    double a = g[iy * TEXTURE_GRID + ix];
    double b = g[iy * TEXTURE_GRID + ix + 1];
    double c = g[(iy + 1) * TEXTURE_GRID + ix];
    double d = g[(iy + 1) * TEXTURE_GRID + ix + 1];
    return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
  }

  /** Everything that depends on the slice level, precomputed once per slice. */
  private final class Slice {
    final double z;
    final double size; // cross-section scale at this level
    final double[] skullR = new double[ANGLES + 1];
    final double[] brainR = new double[ANGLES + 1];
    final double[] angle;
    final double[] seg; // per sulcus SEGMENTS × (ax, ay, bx, by, halfA, halfB)
    final int[] order;
    final double[] box; // per sulcus: min x, max x, min y, max y (widened by its half-width)
    final double maxSulcusDepth;
    final double maxRadius;
    // visibility of level-dependent structures
    final double ventricles;
    final double bodyGap;
    final double low;
    final double basal;
    final double thalamus;
    final double caudate;
    final double third;
    final double ccGap;
    final double sylvian;
    final double yAnterior;
    final double yPosterior;

    Slice(double z, SplittableRandom r) {
      this.z = z;
      size = Math.sqrt(Math.max(0.05, 1 - StrictMath.pow((z - 0.42) / 0.78, 2)));
      low = smooth(0.33, 0.22, z);
      ventricles = smooth(0.27, 0.36, z) * smooth(0.82, 0.70, z);
      bodyGap = smooth(0.54, 0.40, z);
      basal = smooth(0.31, 0.37, z) * smooth(0.58, 0.48, z);
      thalamus = smooth(0.30, 0.36, z) * smooth(0.56, 0.46, z);
      caudate = smooth(0.30, 0.38, z) * smooth(0.74, 0.62, z);
      third = smooth(0.30, 0.36, z) * smooth(0.52, 0.44, z);
      ccGap = smooth(0.80, 0.70, z);
      sylvian = smooth(0.14, 0.24, z) * smooth(0.62, 0.50, z);
      yAnterior = -0.30 * size;
      yPosterior = (z < 0.55 ? 0.36 : 0.36 - (z - 0.55) * 0.5) * size;

      double notch = 0.05 * low * (1 + 0.6 * severity);
      for (int k = 0; k <= ANGLES; k++) {
        double t = -Math.PI + 2 * Math.PI * k / ANGLES;
        double c = StrictMath.cos(t);
        double s = StrictMath.sin(t);
        double ellipse = 1 / Math.sqrt(c * c / (aspect * aspect) + s * s);
        double h = 1 + egg * s;
        for (int m = 0; m < 4; m++) {
          h += harmonicAmp[m] * StrictMath.cos((m + 2) * t + harmonicPhase[m]);
        }
        double skull = ellipse * h * size;
        skullR[k] = skull;
        // temporal poles separate from the frontal lobes at low levels (Sylvian notch)
        double right = wrap(t + 0.25);
        double left = wrap(t - Math.PI - 0.25);
        double dent = notch * (StrictMath.exp(-right * right / 0.02) + StrictMath.exp(-left * left / 0.02));
        brainR[k] = skull * (1 - brainShrink) - 0.01 - dent;
      }

      // sulci: the subject's pattern, perturbed per slice, as polylines from the surface
      // inward with a side branch; plus a Sylvian fissure each side with its insular T
      int count = SULCI + 2;
      angle = new double[count];
      seg = new double[count * SEGMENTS * 6];
      for (int k = 0; k < SULCI; k++) {
        double a = wrap(sulcusAngle[k] + r.nextGaussian() * 0.04 + (z - 0.5) * 0.3 * StrictMath.sin(3 * k));
        angle[k] = a;
        double len = sulcusDepth[k] * (0.8 + 0.4 * r.nextDouble()) * (0.6 + 0.4 * size);
        double half = sulcusWidth * sulcusWidthFactor[k] + 0.004;
        double start = table(brainR, a) + 0.03;
        double dir = a + Math.PI + sulcusDeviation[k] + r.nextGaussian() * 0.05;
        double px = start * StrictMath.cos(a);
        double py = start * StrictMath.sin(a);
                double step = (len + 0.03) / 3;
        double prevX = px;
        double prevY = py;
        double prevHalf = half;
        double branchX = px;
        double branchY = py;
        double heading = dir;
        for (int j = 1; j <= 3; j++) {
          // the sulcus bends as it deepens: a random walk of its heading
          heading += (j == 1 ? 0.3 : 0.6) * sulcusWiggle[k] * 12
              * StrictMath.sin(sulcusFreq[k] * 0.3 * j + sulcusPhase[k]);
          double nx = prevX + StrictMath.cos(heading) * step;
          double ny = prevY + StrictMath.sin(heading) * step;
          double nh = half * (1 - 0.28 * j);
          putSegment(k, j - 1, prevX, prevY, nx, ny, prevHalf, nh);
          if (j == 1 + (k % 2)) {
            branchX = nx;
            branchY = ny;
          }
          prevX = nx;
          prevY = ny;
          prevHalf = nh;
        }
        if (branchAngle[k] != 0) {
          double bd = dir + branchAngle[k];
          double bl = len * branchLength[k];
          putSegment(k, 3, branchX, branchY, branchX + StrictMath.cos(bd) * bl,
              branchY + StrictMath.sin(bd) * bl, half * 0.7, half * 0.4);
        } else {
          putSegment(k, 3, prevX, prevY, prevX, prevY, 0, 0);
        }
      }
      for (int side = 0; side < 2; side++) {
        int k = SULCI + side;
        double a = side == 0 ? wrap(-0.15) : wrap(Math.PI + 0.15);
        angle[k] = a;
        double sign = side == 0 ? 1 : -1;
        double start = table(brainR, a) + 0.03;
        double px = start * StrictMath.cos(a);
        double py = start * StrictMath.sin(a);
        double len = 0.30 * size * sylvian + 0.001;
        double half = (sulcusWidth * 1.8 + 0.008) * sylvian;
        // runs medially and a little anteriorly to the insula ...
        double ex = px - sign * (len + 0.03);
        double ey = py - 0.04 * sylvian;
        putSegment(k, 0, px, py, ex, ey, half, half * 0.9);
        // ... where it opens along the insular surface, anteriorly and posteriorly
        double ins = 0.14 * size * sylvian;
        putSegment(k, 1, ex, ey, ex + sign * 0.02, ey - ins, half * 0.7, half * 0.4);
        putSegment(k, 2, ex, ey, ex + sign * 0.02, ey + ins, half * 0.7, half * 0.4);
        putSegment(k, 3, ex, ey, ex, ey, 0, 0);
      }
      box = new double[count * 4];
      for (int k = 0; k < count; k++) {
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (int m = 0; m < SEGMENTS; m++) {
          int o = (k * SEGMENTS + m) * 6;
          double h = Math.max(seg[o + 4], seg[o + 5]);
          for (int e = 0; e < 2; e++) {
            minX = Math.min(minX, seg[o + 2 * e] - h);
            maxX = Math.max(maxX, seg[o + 2 * e] + h);
            minY = Math.min(minY, seg[o + 2 * e + 1] - h);
            maxY = Math.max(maxY, seg[o + 2 * e + 1] + h);
          }
        }
        box[k * 4] = minX;
        box[k * 4 + 1] = maxX;
        box[k * 4 + 2] = minY;
        box[k * 4 + 3] = maxY;
      }
      double deepest = 0;
      for (int k = 0; k < count; k++) {
        for (int m = 0; m < SEGMENTS; m++) {
          int o = (k * SEGMENTS + m) * 6;
          for (int e = 0; e < 2; e++) {
            double ex = seg[o + 2 * e];
            double ey = seg[o + 2 * e + 1];
            double th = StrictMath.atan2(ey, ex);
            deepest = Math.max(deepest,
                table(brainR, th) - Math.sqrt(ex * ex + ey * ey) + seg[o + 4] + 0.02);
          }
        }
      }
      maxSulcusDepth = deepest + 0.05;
      double maxSkull = 0;
      for (double v : skullR) {
        maxSkull = Math.max(maxSkull, v);
      }
      maxRadius = maxSkull + 0.08 + scalpThickness * (2 + scalpAsymmetry);
      // sort by angle for the nearest-sulcus search
      Integer[] idx = new Integer[count];
      for (int k = 0; k < count; k++) {
        idx[k] = k;
      }
      Arrays.sort(idx, (x, y) -> Double.compare(angle[x], angle[y]));
      order = new int[count];
      for (int k = 0; k < count; k++) {
        order[k] = idx[k];
      }
    }

    private void putSegment(
        int sulcus, int j, double ax, double ay, double bx, double by, double ha, double hb) {
      int o = (sulcus * SEGMENTS + j) * 6;
      seg[o] = ax;
      seg[o + 1] = ay;
      seg[o + 2] = bx;
      seg[o + 3] = by;
      seg[o + 4] = ha;
      seg[o + 5] = hb;
    }

    double table(double[] t, double theta) {
      double f = (theta + Math.PI) / (2 * Math.PI) * ANGLES;
      int k = Math.max(0, Math.min(ANGLES - 1, (int) f));
      double w = f - k;
      return t[k] * (1 - w) + t[k + 1] * w;
    }

    double intensity(double x, double y, double edge, double[] texture) {
      double rr = x * x + y * y;
      if (rr > maxRadius * maxRadius) {
        return 0;
      }
      double rho = Math.sqrt(rr);
      double theta = StrictMath.atan2(y, x);
      double skull = table(skullR, theta);
      double t = rho - skull;
      double outer = skull + 0.01 + 0.03 + 0.01 + scalpThickness * 2;
      if (t > outer - skull + 2 * edge) {
        return 0;
      }
      double brain = table(brainR, theta);
      double v;
      if (rho > brain + 3 * edge) {
        v = csf;
      } else {
        v = brainTissue(x, y, rho, theta, brain, edge, texture);
      }
      if (t > -2 * edge) {
        // skull and scalp: inner table, diploe, outer table, scalp fat (thicker posteriorly)
        double scalpT = scalpThickness * (1 + scalpAsymmetry * Math.max(0, StrictMath.sin(theta)));
        double b1 = 0.012;
        double b2 = b1 + diploeThickness;
        double b3 = b2 + 0.01;
        double b4 = b3 + scalpT;
        v = mix(v, bone, step(t, edge));
        v = mix(v, diploe, step(t - b1, edge));
        v = mix(v, bone, step(t - b2, edge));
        v = mix(v, scalp, step(t - b3, edge));
        v = mix(v, scalp * 0.55, step(t - (b4 - 0.012), edge)); // skin
        v = mix(v, 0, step(t - b4, edge));
      }
      return v;
    }

    private double brainTissue(
        double x, double y, double rho, double theta, double brain, double edge, double[] texture) {
      double surface = brain - rho; // depth below the brain surface
      double d = surface;
      if (surface > -3 * edge && surface < maxSulcusDepth) {
        d = Math.min(d, nearestSulcus(x, y, theta, gmThickness + 2 * edge));
      }
      d = Math.min(d, fissure(x, y));
      double tex = sampleGrid(texture, x, y);
      double gmHere = gm + 0.015 * tex;
      double wmHere = wm + 0.02 * tex;
      double v = mix(csf, gmHere, step(d, edge));
      v = mix(v, wmHere, step(d - gmThickness, edge * 1.6));
      return deepStructures(x, y, v, edge, gmHere, wmHere);
    }

    /**
     * Distance to the nearest sulcus among the few whose angle is closest, capped at {@code
     * cutoff}: beyond it the pixel is white matter whatever the exact distance, so a bounding-box
     * test skips most segments (this is the renderer's hot loop).
     */
    private double nearestSulcus(double x, double y, double theta, double cutoff) {
      int n = order.length;
      int lo = 0;
      int hi = n;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (angle[order[mid]] < theta) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      double best = cutoff;
      for (int j = -3; j <= 2; j++) {
        int k = order[Math.floorMod(lo + j, n)];
        int b = k * 4;
        if (x < box[b] - best || x > box[b + 1] + best || y < box[b + 2] - best || y > box[b + 3] + best) {
          continue;
        }
        for (int m = 0; m < SEGMENTS; m++) {
          int o = (k * SEGMENTS + m) * 6;
          double ax = seg[o];
          double ay = seg[o + 1];
          double vx = seg[o + 2] - ax;
          double vy = seg[o + 3] - ay;
          double len2 = vx * vx + vy * vy;
          if (len2 == 0) {
            continue;
          }
          double t = ((x - ax) * vx + (y - ay) * vy) / len2;
          t = t < 0 ? 0 : t > 1 ? 1 : t;
          double qx = ax + t * vx - x;
          double qy = ay + t * vy - y;
          double half = seg[o + 4] + (seg[o + 5] - seg[o + 4]) * t;
          double reach = best + half; // only nearer than this can win; <= 0 means none can
          double d2 = qx * qx + qy * qy;
          if (reach > 0 && d2 < reach * reach) {
            best = Math.sqrt(d2) - half;
          }
        }
      }
      return best;
    }

    /** Distance to the interhemispheric fissure, which the corpus callosum interrupts mid-brain. */
    private double fissure(double x, double y) {
      double lateral = Math.abs(x - 0.012 * StrictMath.sin(3 * y + sulcusPhase[0])) - fissureWidth;
      double front = -0.28 * size * ccGap;
      double back = 0.34 * size * ccGap;
      if (y < front || y > back) {
        return lateral;
      }
      double gap = Math.min(y - front, back - y);
      double side = Math.max(0, lateral);
      return Math.sqrt(side * side + gap * gap);
    }

    private double deepStructures(
        double x, double y, double v, double edge, double gmHere, double wmHere) {
      double ax = Math.abs(x);
      double side = x < 0 ? -1 : 1;
      double deepGm = gmHere * 0.55 + wmHere * 0.45;
      if (ax > 0.45 || y < -0.55 || y > 0.6) {
        return v;
      }
      if (basal > 0) {
        // lentiform nucleus: a lens lateral to the internal capsule
        v = mix(v, gmHere * 1.08, basal * ellipse(ax - 0.22, y + 0.02, 0.045, 0.12, COS_LENS, SIN_LENS, edge));
      }
      if (thalamus > 0) {
        v = mix(v, deepGm, thalamus * ellipse(ax - 0.085, y - 0.09 * size, 0.07, 0.10, edge));
      }
      double span = yPosterior - yAnterior;
      double vs = ventricleSize;
      if (caudate > 0) {
        double tc = 0.12;
        double cx = ventricleX(tc) * (1 + 0.2 * (vs - 1)) + ventricleHalf(tc) * vs + 0.03;
        v = mix(v, deepGm,
            caudate * ellipse(ax - cx, y - (yAnterior + tc * span), 0.04, 0.075, COS_CAUDATE, SIN_CAUDATE, edge));
      }
      if (ventricles > 0 && y > yAnterior - 0.1 && y < yPosterior + 0.1) {
        double t = (y - yAnterior) / span;
        if (t > 0 && t < 1) {
          double xc = ventricleX(t) * (1 + 0.2 * (vs - 1));
          double slope = ventricleSlope(t) * (1 + 0.2 * (vs - 1)) / span;
          double half = ventricleHalf(t) * vs * ventricles
              * (1 - 0.75 * bodyGap * StrictMath.exp(-sq((t - 0.52) / 0.16)));
          double dist = Math.abs(ax - xc) / Math.sqrt(1 + slope * slope) - half;
          dist = Math.max(dist, 0.008 - ax); // septum pellucidum keeps the two apart
          // a vanishing ventricle fades rather than leaving a hairline
          v = mix(v, csf, (1 - step(dist, edge)) * smooth(0.002, 0.012, half));
        }
      }
      if (third > 0) {
        double dist = Math.max(ax - thirdVentricleWidth,
            Math.max(y - 0.10 * size, -0.06 * size - y));
        v = mix(v, csf, (1 - step(dist, edge)) * third);
      }
      if (low > 0) {
        // midbrain in its cistern, the suprasellar cistern in front of it
        double my = y - 0.12 * size;
        v = mix(v, csf, low * ellipse(x, y + 0.07 * size, 0.06 + cisternWidth, 0.035 + cisternWidth * 0.5,
            edge));
        v = mix(v, csf, low * ellipse(x, my, 0.095 + cisternWidth, 0.085 + cisternWidth, edge));
        v = mix(v, deepGm * 1.05, low * ellipse(x, my, 0.095, 0.085, edge));
        // interpeduncular cistern (the notch between the peduncles) and the aqueduct
        v = mix(v, csf, low * ellipse(x, my + 0.075, 0.02 + cisternWidth * 0.5, 0.035, edge));
        v = mix(v, csf, low * ellipse(x, my - 0.03, 0.009, 0.009, edge));
        // medial temporal lobe: the hippocampus shrinks inside its CSF space, the horn enlarges
        double hx = ax - 0.30 * size;
        double hy = y - 0.06 * size;
        v = mix(v, csf, low * ellipse(hx, hy, 0.055, 0.13, COS_HIPPOCAMPUS, SIN_HIPPOCAMPUS, edge));
        v = mix(v, gmHere * 1.04,
            low * ellipse(hx, hy, 0.052 * hippocampusScale, 0.125 * hippocampusScale,
                COS_HIPPOCAMPUS, SIN_HIPPOCAMPUS, edge));
        v = mix(v, csf, low * ellipse(ax - 0.355 * size, y + 0.0 * size,
            0.011 * temporalHornScale, 0.045 * (0.6 + 0.4 * temporalHornScale),
            COS_HIPPOCAMPUS, SIN_HIPPOCAMPUS, edge));
      }
      return v;
    }
  }

  /** Lateral position of the ventricle centreline at t (0 anterior tip … 1 posterior tip). */
  private static double ventricleX(double t) {
    return 0.12 - 0.17 * t + 0.26 * t * t;
  }

  private static double ventricleSlope(double t) {
    return -0.17 + 0.52 * t;
  }

  /** Half-width of a lateral ventricle at t: frontal horn and atrium bulges, tapered tips. */
  private static double ventricleHalf(double t) {
    double base = 0.022 + 0.016 * StrictMath.exp(-sq((t - 0.14) / 0.12))
        + 0.026 * StrictMath.exp(-sq((t - 0.84) / 0.12));
    return base * Math.sqrt(StrictMath.sin(Math.PI * t));
  }

  /** Soft mask of a rotated ellipse centred at the origin of (dx, dy). */
  private static double ellipse(double dx, double dy, double rx, double ry, double edge) {
    return ellipse(dx, dy, rx, ry, 1, 0, edge);
  }

  /** Soft mask of an ellipse rotated by the angle whose cosine and sine are {@code c}, {@code s}. */
  private static double ellipse(
      double dx, double dy, double rx, double ry, double c, double s, double edge) {
    double u = c * dx + s * dy;
    double w = -s * dx + c * dy;
    double q = Math.sqrt(u * u / (rx * rx) + w * w / (ry * ry));
    double dist = (q - 1) * Math.min(rx, ry);
    return 1 - step(dist, edge);
  }

  private static double step(double t, double edge) {
    double s = (t + edge) / (2 * edge);
    if (s <= 0) {
      return 0;
    }
    if (s >= 1) {
      return 1;
    }
    return s * s * (3 - 2 * s);
  }

  /** 0 at {@code a}, 1 at {@code b}, smooth between (either order). */
  private static double smooth(double a, double b, double x) {
    double s = Math.max(0, Math.min(1, (x - a) / (b - a)));
    return s * s * (3 - 2 * s);
  }

  private static double mix(double a, double b, double w) {
    return a + (b - a) * w;
  }

  private static double sq(double v) {
    return v * v;
  }

  private static double wrap(double a) {
    while (a < -Math.PI) {
      a += 2 * Math.PI;
    }
    while (a >= Math.PI) {
      a -= 2 * Math.PI;
    }
    return a;
  }

  private static double uniform(SplittableRandom r, double lo, double hi) {
    return lo + (hi - lo) * r.nextDouble();
  }
}
