package io.neurostream.imaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the DICOM tools no one here wrote (dcmtk, GDCM; installed by {@code .ci/run} from Debian)
 * to transcode test files, so decoders are tested against real encoders.
 */
public final class DicomTools {

  private DicomTools() {}

  /** A transcoding: the tool's command line and the transfer syntax it must produce. */
  public record Transcode(String name, TransferSyntax syntax, List<String> command) {

    /** Writes {@code in} transcoded to {@code out}; fails with the tool's output. */
    public Path apply(Path in, Path out) throws IOException, InterruptedException {
      List<String> cmd = new ArrayList<>(command);
      cmd.add(in.toString());
      cmd.add(out.toString());
      run(cmd);
      return out;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** Transcodings of a 16-bit (12 bits stored) MONOCHROME2 file, lossless unless named lossy. */
  public static List<Transcode> sixteenBit() {
    return List.of(
        new Transcode("dcmconv +ti", TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN,
            List.of("dcmconv", "+ti")),
        new Transcode("dcmconv +tb", TransferSyntax.EXPLICIT_VR_BIG_ENDIAN,
            List.of("dcmconv", "+tb")),
        new Transcode("dcmconv +td", TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
            List.of("dcmconv", "+td")),
        new Transcode("dcmcjpeg +e1", TransferSyntax.JPEG_LOSSLESS_SV1,
            List.of("dcmcjpeg", "+e1")),
        new Transcode("dcmcjpeg +el +sv 6", TransferSyntax.JPEG_LOSSLESS,
            List.of("dcmcjpeg", "+el", "+sv", "6")),
        new Transcode("dcmcrle", TransferSyntax.RLE_LOSSLESS, List.of("dcmcrle")),
        new Transcode("gdcmconv --j2k", TransferSyntax.JPEG_2000_LOSSLESS,
            List.of("gdcmconv", "--j2k")),
        new Transcode("gdcmconv --j2k --lossy (lossy)", TransferSyntax.JPEG_2000,
            List.of("gdcmconv", "--j2k", "--lossy", "-q", "90")));
  }

  /** JPEG Baseline needs 8-bit samples. */
  public static Transcode jpegBaseline() {
    return new Transcode("dcmcjpeg +eb (lossy 8-bit)", TransferSyntax.JPEG_BASELINE,
        List.of("dcmcjpeg", "+eb"));
  }

  /** JPEG Extended (process 2 & 4): 8-bit decodes, 12-bit has no Java decoder on Maven Central. */
  public static Transcode jpegExtended() {
    return new Transcode("dcmcjpeg +ee (lossy)", TransferSyntax.JPEG_EXTENDED,
        List.of("dcmcjpeg", "+ee"));
  }

  /** JPEG-LS, which no Maven Central library decodes: must be refused by name. */
  public static Transcode jpegLs() {
    return new Transcode("dcmcjpls", TransferSyntax.JPEG_LS_LOSSLESS, List.of("dcmcjpls"));
  }

  /**
   * Copies {@code in} to {@code out} and gives it, with dcmtk's {@code dcmodify}, the functional
   * groups of an Enhanced MR instance: a Per-frame Functional Groups item (5200,9230) per entry of
   * {@code positions} whose Plane Position Sequence (0020,9113) holds that Image Position
   * (Patient), and, unless {@code sharedPosition} is null, Shared Functional Groups (5200,9229) with
   * that position and an axial Plane Orientation. {@code undefinedLengths} writes sequences and
   * items with undefined length (dcmodify {@code -le}), else with explicit lengths.
   */
  public static Path withFunctionalGroups(Path in, Path out, List<String> positions,
      String sharedPosition, boolean undefinedLengths) throws IOException, InterruptedException {
    Files.copy(in, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    List<String> cmd = new ArrayList<>(List.of("dcmodify", "-nb", undefinedLengths ? "-le" : "+le"));
    if (sharedPosition != null) {
      cmd.addAll(List.of("-i", "(5200,9229)[0].(0020,9116)[0].(0020,0037)=1\\0\\0\\0\\1\\0",
          "-i", "(5200,9229)[0].(0020,9113)[0].(0020,0032)=" + sharedPosition));
    }
    for (int i = 0; i < positions.size(); i++) {
      cmd.addAll(List.of("-i", "(5200,9230)[" + i + "].(0020,9113)[0].(0020,0032)="
          + positions.get(i)));
    }
    cmd.add(out.toString());
    run(cmd);
    return out;
  }

  /** Runs {@code command}, failing with its output when it exits non-zero or hangs. */
  public static String run(List<String> command) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException(command.get(0) + " is not installed; run .ci/run or "
          + "'apt-get install -y dcmtk libgdcm-tools' (" + e.getMessage() + ")", e);
    }
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not finish within 60 s");
    }
    String output = new String(p.getInputStream().readAllBytes());
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": " + output);
    }
    return output;
  }

  /** Writes {@code bytes} to {@code file} and returns it. */
  public static Path write(Path file, byte[] bytes) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.write(file, bytes);
  }
}
