package io.neurostream.phantom;

import static io.neurostream.phantom.PhantomShapes.ellipse;
import static io.neurostream.phantom.PhantomShapes.mix;
import static io.neurostream.phantom.PhantomShapes.smooth;
import static io.neurostream.phantom.PhantomShapes.sq;
import static io.neurostream.phantom.PhantomShapes.step;

/**
 * The deep structures of a phantom slice, whose size follows the subject's atrophy: ventricles
 * that enlarge, a hippocampus that shrinks inside its CSF space, temporal horns that widen.
 */
final class DeepStructures {
  private static final double COS_LENS = StrictMath.cos(0.25);
  private static final double SIN_LENS = StrictMath.sin(0.25);
  private static final double COS_CAUDATE = StrictMath.cos(-0.3);
  private static final double SIN_CAUDATE = StrictMath.sin(-0.3);
  private static final double COS_HIPPOCAMPUS = StrictMath.cos(-0.3);
  private static final double SIN_HIPPOCAMPUS = StrictMath.sin(-0.3);

  private DeepStructures() {}

  /**
   * Lays the deep structures that show at slice {@code s} over the tissue value {@code v} at
   * (x, y): lentiform nucleus, thalamus, caudate, lateral and third ventricles, and at low levels
   * the midbrain with its cisterns, the hippocampus and the temporal horns.
   */
  static double lay(BrainPhantom ph, PhantomSlice s,
      double x, double y, double v, double edge, double gmHere, double wmHere) {
    double ax = Math.abs(x);
    double side = x < 0 ? -1 : 1;
    double deepGm = gmHere * 0.55 + wmHere * 0.45;
    if (ax > 0.45 || y < -0.55 || y > 0.6) {
      return v;
    }
    if (s.basal > 0) {
      // lentiform nucleus: a lens lateral to the internal capsule
      v = mix(v, gmHere * 1.08, s.basal * ellipse(ax - 0.22, y + 0.02, 0.045, 0.12, COS_LENS, SIN_LENS, edge));
    }
    if (s.thalamus > 0) {
      v = mix(v, deepGm, s.thalamus * ellipse(ax - 0.085, y - 0.09 * s.size, 0.07, 0.10, edge));
    }
    double span = s.yPosterior - s.yAnterior;
    double vs = ph.ventricleSize;
    if (s.caudate > 0) {
      double tc = 0.12;
      double cx = ventricleX(tc) * (1 + 0.2 * (vs - 1)) + ventricleHalf(tc) * vs + 0.03;
      v = mix(v, deepGm,
          s.caudate * ellipse(ax - cx, y - (s.yAnterior + tc * span), 0.04, 0.075, COS_CAUDATE, SIN_CAUDATE, edge));
    }
    if (s.ventricles > 0 && y > s.yAnterior - 0.1 && y < s.yPosterior + 0.1) {
      double t = (y - s.yAnterior) / span;
      if (t > 0 && t < 1) {
        double xc = ventricleX(t) * (1 + 0.2 * (vs - 1));
        double slope = ventricleSlope(t) * (1 + 0.2 * (vs - 1)) / span;
        double half = ventricleHalf(t) * vs * s.ventricles
            * (1 - 0.75 * s.bodyGap * StrictMath.exp(-sq((t - 0.52) / 0.16)));
        double dist = Math.abs(ax - xc) / Math.sqrt(1 + slope * slope) - half;
        dist = Math.max(dist, 0.008 - ax); // septum pellucidum keeps the two apart
        // a vanishing ventricle fades rather than leaving a hairline
        v = mix(v, ph.csf, (1 - step(dist, edge)) * smooth(0.002, 0.012, half));
      }
    }
    if (s.third > 0) {
      double dist = Math.max(ax - ph.thirdVentricleWidth,
          Math.max(y - 0.10 * s.size, -0.06 * s.size - y));
      v = mix(v, ph.csf, (1 - step(dist, edge)) * s.third);
    }
    if (s.low > 0) {
      // midbrain in its cistern, the suprasellar cistern in front of it
      double my = y - 0.12 * s.size;
      v = mix(v, ph.csf, s.low * ellipse(x, y + 0.07 * s.size, 0.06 + ph.cisternWidth, 0.035 + ph.cisternWidth * 0.5,
          edge));
      v = mix(v, ph.csf, s.low * ellipse(x, my, 0.095 + ph.cisternWidth, 0.085 + ph.cisternWidth, edge));
      v = mix(v, deepGm * 1.05, s.low * ellipse(x, my, 0.095, 0.085, edge));
      // interpeduncular cistern (the notch between the peduncles) and the aqueduct
      v = mix(v, ph.csf, s.low * ellipse(x, my + 0.075, 0.02 + ph.cisternWidth * 0.5, 0.035, edge));
      v = mix(v, ph.csf, s.low * ellipse(x, my - 0.03, 0.009, 0.009, edge));
      // medial temporal lobe: the hippocampus shrinks inside its CSF space, the horn enlarges
      double hx = ax - 0.30 * s.size;
      double hy = y - 0.06 * s.size;
      v = mix(v, ph.csf, s.low * ellipse(hx, hy, 0.055, 0.13, COS_HIPPOCAMPUS, SIN_HIPPOCAMPUS, edge));
      v = mix(v, gmHere * 1.04,
          s.low * ellipse(hx, hy, 0.052 * ph.hippocampusScale, 0.125 * ph.hippocampusScale,
              COS_HIPPOCAMPUS, SIN_HIPPOCAMPUS, edge));
      v = mix(v, ph.csf, s.low * ellipse(ax - 0.355 * s.size, y + 0.0 * s.size,
          0.011 * ph.temporalHornScale, 0.045 * (0.6 + 0.4 * ph.temporalHornScale),
          COS_HIPPOCAMPUS, SIN_HIPPOCAMPUS, edge));
    }
    return v;
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
}
