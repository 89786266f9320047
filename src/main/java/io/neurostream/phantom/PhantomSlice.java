package io.neurostream.phantom;

import static io.neurostream.phantom.BrainPhantom.ANGLES;
import static io.neurostream.phantom.BrainPhantom.SEGMENTS;
import static io.neurostream.phantom.BrainPhantom.SULCI;
import static io.neurostream.phantom.PhantomShapes.mix;
import static io.neurostream.phantom.PhantomShapes.sampleGrid;
import static io.neurostream.phantom.PhantomShapes.smooth;
import static io.neurostream.phantom.PhantomShapes.step;
import static io.neurostream.phantom.PhantomShapes.wrap;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One axial slice of a {@link BrainPhantom}: everything that depends on the slice level,
 * precomputed once (skull and brain outline, sulcal segments and their bounding boxes, which deep
 * structures show), and the tissue intensity at a point of the head frame.
 */
final class PhantomSlice {

  /** The subject's anatomy. */
  private final BrainPhantom ph;
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

  PhantomSlice(BrainPhantom ph, double z, SplittableRandom r) {
    this.ph = ph;
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

    double notch = 0.05 * low * (1 + 0.6 * ph.severity);
    for (int k = 0; k <= ANGLES; k++) {
      double t = -Math.PI + 2 * Math.PI * k / ANGLES;
      double c = StrictMath.cos(t);
      double s = StrictMath.sin(t);
      double ellipse = 1 / Math.sqrt(c * c / (ph.aspect * ph.aspect) + s * s);
      double h = 1 + ph.egg * s;
      for (int m = 0; m < 4; m++) {
        h += ph.harmonicAmp[m] * StrictMath.cos((m + 2) * t + ph.harmonicPhase[m]);
      }
      double skull = ellipse * h * size;
      skullR[k] = skull;
      // temporal poles separate from the frontal lobes at low levels (Sylvian notch)
      double right = wrap(t + 0.25);
      double left = wrap(t - Math.PI - 0.25);
      double dent = notch * (StrictMath.exp(-right * right / 0.02) + StrictMath.exp(-left * left / 0.02));
      brainR[k] = skull * (1 - ph.brainShrink) - 0.01 - dent;
    }

    // sulci: the subject's pattern, perturbed per slice, as polylines from the surface
    // inward with a side branch; plus a Sylvian fissure each side with its insular T
    int count = SULCI + 2;
    angle = new double[count];
    seg = new double[count * SEGMENTS * 6];
    for (int k = 0; k < SULCI; k++) {
      double a = wrap(ph.sulcusAngle[k] + r.nextGaussian() * 0.04 + (z - 0.5) * 0.3 * StrictMath.sin(3 * k));
      angle[k] = a;
      double len = ph.sulcusDepth[k] * (0.8 + 0.4 * r.nextDouble()) * (0.6 + 0.4 * size);
      double half = ph.sulcusWidth * ph.sulcusWidthFactor[k] + 0.004;
      double start = table(brainR, a) + 0.03;
      double dir = a + Math.PI + ph.sulcusDeviation[k] + r.nextGaussian() * 0.05;
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
        heading += (j == 1 ? 0.3 : 0.6) * ph.sulcusWiggle[k] * 12
            * StrictMath.sin(ph.sulcusFreq[k] * 0.3 * j + ph.sulcusPhase[k]);
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
      if (ph.branchAngle[k] != 0) {
        double bd = dir + ph.branchAngle[k];
        double bl = len * ph.branchLength[k];
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
      double half = (ph.sulcusWidth * 1.8 + 0.008) * sylvian;
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
    maxRadius = maxSkull + 0.08 + ph.scalpThickness * (2 + ph.scalpAsymmetry);
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
    double outer = skull + 0.01 + 0.03 + 0.01 + ph.scalpThickness * 2;
    if (t > outer - skull + 2 * edge) {
      return 0;
    }
    double brain = table(brainR, theta);
    double v;
    if (rho > brain + 3 * edge) {
      v = ph.csf;
    } else {
      v = brainTissue(x, y, rho, theta, brain, edge, texture);
    }
    if (t > -2 * edge) {
      // skull and ph.scalp: inner table, ph.diploe, outer table, ph.scalp fat (thicker posteriorly)
      double scalpT = ph.scalpThickness * (1 + ph.scalpAsymmetry * Math.max(0, StrictMath.sin(theta)));
      double b1 = 0.012;
      double b2 = b1 + ph.diploeThickness;
      double b3 = b2 + 0.01;
      double b4 = b3 + scalpT;
      v = mix(v, ph.bone, step(t, edge));
      v = mix(v, ph.diploe, step(t - b1, edge));
      v = mix(v, ph.bone, step(t - b2, edge));
      v = mix(v, ph.scalp, step(t - b3, edge));
      v = mix(v, ph.scalp * 0.55, step(t - (b4 - 0.012), edge)); // skin
      v = mix(v, 0, step(t - b4, edge));
    }
    return v;
  }

  private double brainTissue(
      double x, double y, double rho, double theta, double brain, double edge, double[] texture) {
    double surface = brain - rho; // depth below the brain surface
    double d = surface;
    if (surface > -3 * edge && surface < maxSulcusDepth) {
      d = Math.min(d, nearestSulcus(x, y, theta, ph.gmThickness + 2 * edge));
    }
    d = Math.min(d, fissure(x, y));
    double tex = sampleGrid(texture, x, y);
    double gmHere = ph.gm + 0.015 * tex;
    double wmHere = ph.wm + 0.02 * tex;
    double v = mix(ph.csf, gmHere, step(d, edge));
    v = mix(v, wmHere, step(d - ph.gmThickness, edge * 1.6));
    return DeepStructures.lay(ph, this, x, y, v, edge, gmHere, wmHere);
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
    double lateral = Math.abs(x - 0.012 * StrictMath.sin(3 * y + ph.sulcusPhase[0])) - ph.fissureWidth;
    double front = -0.28 * size * ccGap;
    double back = 0.34 * size * ccGap;
    if (y < front || y > back) {
      return lateral;
    }
    double gap = Math.min(y - front, back - y);
    double side = Math.max(0, lateral);
    return Math.sqrt(side * side + gap * gap);
  }
}
