package io.neurostream.imaging;

/**
 * Turns a frame's stored values into intensities: mask to BitsStored, sign-extend when
 * PixelRepresentation is 1, apply the modality rescale, then the file's first window when it has
 * one (the window the radiologist sees) or a min/max window, and invert MONOCHROME1.
 */
final class StoredValues {

  private StoredValues() {}

  static GrayImage toImage(int[] stored, DicomSlice.PixelFormat f) {
    int n = f.rows() * f.columns();
    double[] values = new double[n];
    int bitsStored = f.bitsStored();
    int mask = bitsStored >= 32 ? -1 : (1 << bitsStored) - 1;
    int signBit = 1 << (bitsStored - 1);
    for (int i = 0; i < n; i++) {
      int v = stored[i] & mask;
      if (f.signed() && (v & signBit) != 0) {
        v -= 1 << bitsStored;
      }
      values[i] = v * f.rescaleSlope() + f.rescaleIntercept();
      if (!(Math.abs(values[i]) <= 1e15)) {
        throw new ImageDecodeException(ImageDecodeException.Reason.IMAGE_DECODE_FAILED,
            "DICOM Rescale Slope " + f.rescaleSlope() + " / Intercept " + f.rescaleIntercept()
                + " overflow the number range; fix the modality LUT (0028,1052/1053)");
      }
    }
    Double center = f.windowCenter();
    Double width = f.windowWidth();
    GrayImage image = center != null && width != null && width >= 1
        ? Windowing.window(f.columns(), f.rows(), values, center, width)
        : Windowing.minMax(f.columns(), f.rows(), values);
    if (f.photometricInterpretation().equals("MONOCHROME1")) {
      float[] p = image.pixels();
      for (int i = 0; i < p.length; i++) {
        p[i] = 1f - p[i];
      }
    }
    return image;
  }
}
