package io.neurostream.cli;

import io.neurostream.bench.GatewayBenchmark;
import io.neurostream.imaging.DicomWriter;
import io.neurostream.phantom.PhantomGenerator;
import io.neurostream.phantom.PhantomSubject;
import io.neurostream.ops.Directories;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code neurostream bench gateway}: instances/s through STOW-RS into Kafka. */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description = {
      "Measure the DICOMweb gateway on an embedded broker and registry: phantom slices as "
          + "DICOM instances (16-bit uncompressed, and JPEG Lossless made by dcmtk's dcmcjpeg when "
          + "it is installed) posted over STOW-RS by concurrent clients, each acknowledged by "
          + "Kafka (acks=all). Kinds alternate in one sitting; the first pass of each is a "
          + "warm-up; medians of the rest are reported with wall and CPU time."
    })
public final class BenchGatewayCommand implements Callable<Integer> {

  @Option(names = "--instances", defaultValue = "2000",
      description = "Instances per pass (default ${DEFAULT-VALUE}).")
  int instances;

  @Option(names = "--per-request", defaultValue = "10",
      description = "Instances per STOW-RS request (default ${DEFAULT-VALUE}).")
  int perRequest;

  @Option(names = "--clients", defaultValue = "4",
      description = "Concurrent clients, and gateway.max.requests.in.flight (default ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--size", defaultValue = "128", description = "Slice side in px (default ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--repeats", defaultValue = "3",
      description = "Measured passes per kind; medians are reported (default ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--classifier-scans-per-second", paramLabel = "RATE",
      description = "The classifier's own rate on this machine (from `bench pipeline`), to print "
          + "the gateway's headroom over it.")
  Double classifierRate;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path work = Files.createTempDirectory("neurostream-bench-gateway");
    Map<String, List<byte[]>> kinds = new LinkedHashMap<>();
    kinds.put(size + "x" + size + " 16-bit uncompressed", slices(64));
    try {
      kinds.put(size + "x" + size + " 16-bit JPEG Lossless (dcmcjpeg +e1)",
          jpegLossless(kinds.values().iterator().next(), work));
    } catch (IOException e) {
      err.println("JPEG Lossless skipped: " + e.getMessage());
    }
    Map<String, List<GatewayBenchmark.Pass>> passes = new LinkedHashMap<>();
    try (GatewayBenchmark bench = GatewayBenchmark.start(work, clients)) {
      for (int round = 0; round <= repeats; round++) {
        for (var kind : kinds.entrySet()) {
          GatewayBenchmark.Pass p = bench.run(kind.getValue(), instances, perRequest, clients);
          err.printf(Locale.ROOT, "%s pass %d: %.0f instances/s%s%n", kind.getKey(), round,
              p.perSecond(), round == 0 ? " (warm-up, not reported)" : "");
          if (round > 0) {
            passes.computeIfAbsent(kind.getKey(), k -> new ArrayList<>()).add(p);
          }
        }
      }
    } finally {
      Directories.deleteQuietly(work);
    }
    out.printf(Locale.ROOT, "bench gateway: %d instances per pass, %d per request, %d clients, "
        + "%d processors, medians of %d%n", instances, perRequest, clients,
        Runtime.getRuntime().availableProcessors(), repeats);
    for (var e : passes.entrySet()) {
      List<GatewayBenchmark.Pass> ps = e.getValue();
      double median = GatewayBenchmark.medianRate(ps);
      GatewayBenchmark.Pass m = ps.stream()
          .min((a, b) -> Double.compare(Math.abs(a.perSecond() - median),
              Math.abs(b.perSecond() - median))).orElseThrow();
      out.printf(Locale.ROOT, "  %-45s %7.0f instances/s (%s), %.1f MB/s, wall %.1f s, CPU %.1f s "
              + "(process: gateway + broker + clients)%s%n", e.getKey(), median,
          String.join(", ", ps.stream().map(p -> String.format(Locale.ROOT, "%.0f", p.perSecond()))
              .toList()), m.bytes() / 1e6 / m.wallSeconds(), m.wallSeconds(), m.cpuSeconds(),
          classifierRate == null ? "" : String.format(Locale.ROOT, "; %.1fx the classifier's %.1f "
              + "scans/s", median / classifierRate, classifierRate));
    }
    if (classifierRate == null) {
      out.println("  compare with the classifier's scans/s from `neurostream bench pipeline` "
          + "(--classifier-scans-per-second prints the ratio)");
    }
    out.flush();
    return 0;
  }

  private List<byte[]> slices(int count) {
    PhantomGenerator generator = PhantomGenerator.builder().setSeed(7).optSize(size).build();
    List<PhantomSubject> subjects = generator.subjects(Math.max(1, count / 16), 16);
    List<byte[]> out = new ArrayList<>();
    for (PhantomSubject s : subjects) {
      String study = DicomWriter.uidFromName("bench/" + s.id() + "/study");
      String series = DicomWriter.uidFromName("bench/" + s.id() + "/series");
      for (int i = 0; i < s.sliceCount(); i++) {
        out.add(DicomWriter.builder().optStudyInstanceUid(study).optSeriesInstanceUid(series)
            .optSopInstanceUid(DicomWriter.uidFromName("bench/" + s.id() + "/" + i))
            .optPatientId(s.id()).optInstanceNumber(i + 1).optImagesInAcquisition(s.sliceCount())
            .build().write(generator.render(s, i)));
      }
    }
    return out;
  }

  private static List<byte[]> jpegLossless(List<byte[]> natives, Path work)
      throws IOException, InterruptedException {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < natives.size(); i++) {
      Path in = Files.write(work.resolve("n" + i + ".dcm"), natives.get(i));
      Path jpeg = work.resolve("j" + i + ".dcm");
      Process p;
      try {
        p = new ProcessBuilder("dcmcjpeg", "+e1", in.toString(), jpeg.toString())
            .redirectErrorStream(true).start();
      } catch (IOException e) {
        throw new IOException("dcmcjpeg (dcmtk) is not installed: apt-get install dcmtk", e);
      }
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("dcmcjpeg failed: " + new String(p.getInputStream().readAllBytes()));
      }
      out.add(Files.readAllBytes(jpeg));
    }
    return out;
  }
}
