package io.neurostream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Static checks of {@code docker/Dockerfile} and {@code docker/Dockerfile.gpu} (no Docker engine
 * runs here): the generic {@link DockerfilePolicy}, what each image promises (offline natives,
 * writable cache and state volumes, uid 10001, the classifier by default), and that the build
 * context sends exactly what the Dockerfiles copy.
 */
class DockerfilesTest {

  private static final Path DOCKER = Path.of("docker");

  @ParameterizedTest
  @ValueSource(strings = {"Dockerfile", "Dockerfile.gpu"})
  void shouldSatisfyThePolicy(String file) throws IOException {
    assertThat(DockerfilePolicy.violations(read(file))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Dockerfile", "Dockerfile.gpu"})
  void shouldBuildWithTheWrapperAndACachedRepository(String file) throws IOException {
    Dockerfile.Stage build = read(file).stages().get(0);
    assertThat(build.name()).isEqualTo("build");
    assertThat(build.image()).matches("eclipse-temurin:17\\.[0-9._]+-jdk-jammy");
    assertThat(build.all("RUN"))
        .anySatisfy(run -> {
          assertThat(run.flags()).contains("--mount=type=cache,target=/root/.m2");
          assertThat(run.withoutFlags()).startsWith("./mvnw -B -q package -DskipTests");
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"Dockerfile", "Dockerfile.gpu"})
  void shouldRunOfflineAsUid10001WithWritableCacheAndStateVolumes(String file) throws IOException {
    Dockerfile.Stage runtime = read(file).finalStage();

    assertThat(runtime.last("USER").orElseThrow().arguments()).isEqualTo("10001:10001");
    assertThat(runtime.env())
        .containsEntry("DJL_CACHE_DIR", "/var/cache/djl")
        .containsEntry("ENGINE_CACHE_DIR", "/opt/neurostream/djl-engines");
    assertThat(runtime.last("VOLUME").orElseThrow().execForm().orElseThrow())
        .containsExactlyInAnyOrder("/var/lib/neurostream/state", "/var/cache/djl");
    List<String> entrypoint = runtime.last("ENTRYPOINT").orElseThrow().execForm().orElseThrow();
    assertThat(entrypoint).startsWith("java").endsWith("-jar", "/app/neurostream.jar")
        .contains("-Dai.djl.offline=true", "-Djava.io.tmpdir=/tmp");
    assertThat(runtime.last("CMD").orElseThrow().execForm().orElseThrow())
        .containsExactly("classifier");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Dockerfile", "Dockerfile.gpu"})
  void shouldLoadTheEngineNativesWhileBuildingAsRootBeforeDroppingPrivileges(String file)
      throws IOException {
    List<Dockerfile.Instruction> runtime = read(file).finalStage().instructions();
    int warmup = indexOf(runtime, "RUN", "NativesWarmup");
    int user = indexOf(runtime, "USER", "10001");
    assertThat(warmup).as("natives warm-up in the runtime stage").isNotNegative();
    assertThat(warmup).as("warm-up before USER: natives are root-owned, read-only").isLessThan(user);
  }

  @Test
  void gpuImageShouldRunPyTorchOnCuda12WithTheGpuProfile() throws IOException {
    Dockerfile gpu = read("Dockerfile.gpu");
    assertThat(gpu.finalStage().image()).matches("nvidia/cuda:12\\.[0-9.]+-cudnn-runtime-ubuntu22\\.04");
    assertThat(gpu.stages().get(0).all("RUN"))
        .anySatisfy(run -> assertThat(run.arguments()).contains("-Pgpu"));
    assertThat(gpu.finalStage().env()).containsEntry("PYTORCH_FLAVOR", "cu128");
    assertThat(gpu.finalStage().last("ENTRYPOINT").orElseThrow().execForm().orElseThrow())
        .contains("-Dai.djl.default_engine=PyTorch");
  }

  @Test
  void gpuProfileShouldSwapInPyTorchWithoutCpuNatives() throws Exception {
    var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    NodeList profiles = pom.getElementsByTagName("profile");
    List<String> artifacts = new ArrayList<>();
    for (int p = 0; p < profiles.getLength(); p++) {
      Element profile = (Element) profiles.item(p);
      if (profile.getElementsByTagName("id").item(0).getTextContent().equals("gpu")) {
        NodeList ids = profile.getElementsByTagName("artifactId");
        for (int a = 0; a < ids.getLength(); a++) {
          artifacts.add(ids.item(a).getTextContent());
        }
      }
    }
    assertThat(artifacts).contains("pytorch-engine", "pytorch-jni")
        .noneMatch(a -> a.contains("native"));
  }

  @Test
  void buildContextShouldSendWhatTheDockerfilesCopyAndNothingElse() throws IOException {
    List<String> ignore = Files.readAllLines(Path.of(".dockerignore")).stream()
        .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    assertThat(ignore.get(0)).as("allow-list: exclude everything first").isEqualTo("*");
    List<String> allowed = ignore.stream().filter(l -> l.startsWith("!"))
        .map(l -> l.substring(1)).toList();
    for (String file : List.of("Dockerfile", "Dockerfile.gpu")) {
      for (Dockerfile.Instruction copy : read(file).instructions()) {
        if (!copy.keyword().equals("COPY") || copy.arguments().startsWith("--from")) {
          continue;
        }
        String[] parts = copy.withoutFlags().split("\\s+");
        for (int s = 0; s < parts.length - 1; s++) {
          String source = parts[s];
          assertThat(allowed).as(file + " line " + copy.line() + " copies " + source)
              .anyMatch(a -> source.equals(a) || source.startsWith(a.endsWith("/") ? a : a + "/")
                  || (source + "/").equals(a));
        }
      }
    }
  }

  @Test
  void shouldFlagUnpinnedBasesRemoteAddsRootAndShellEntrypoints() {
    // given
    Dockerfile bad = Dockerfile.parse(String.join("\n",
        "# syntax=docker/dockerfile",
        "ARG BASE",
        "FROM maven AS build",
        "FROM ${BASE}",
        "FROM eclipse-temurin:latest",
        "ENV DB_PASSWORD=hunter2 NEUROSTREAM_BATCH_SIZ=8",
        "ADD https://example.org/tool.tgz /opt/",
        "RUN curl -fsSL https://example.org/install.sh | bash",
        "USER neurostream",
        "ENTRYPOINT java -jar /app/neurostream.jar",
        ""));

    // when/then
    assertThat(DockerfilePolicy.violations(bad)).containsExactlyInAnyOrder(
        "# syntax directive: image docker/dockerfile has no tag (means latest); pin a version",
        "FROM maven: image maven has no tag (means latest); pin a version",
        "FROM ${BASE}: ${BASE} has no ARG default; give one so the pinned version is in the file",
        "FROM eclipse-temurin:latest: image eclipse-temurin:latest uses the moving tag latest; pin a version",
        "line 6 ENV: DB_PASSWORD looks like a credential; images are not secret, pass it at run time from a Secret",
        "line 6 ENV: NEUROSTREAM_BATCH_SIZ is not a NeuroStream configuration variable: no registered"
            + " configuration key has it (see `ConfigCatalog.envNames()`)",
        "line 7 ADD: ADD of a remote URL is unverified; COPY from the context or a stage",
        "line 8 RUN: a download piped into a shell runs unverified code",
        "final stage: USER neurostream is not numeric; Kubernetes cannot verify runAsNonRoot for a user name",
        "final stage: ENTRYPOINT must be in exec form [\"java\", ...] so SIGTERM reaches the JVM, not a shell");
  }

  @Test
  void shouldFlagAnImageThatRunsAsRoot() {
    Dockerfile noUser = Dockerfile.parse("FROM eclipse-temurin:17.0.15_6-jre-jammy\nENTRYPOINT [\"java\"]\n");
    Dockerfile rootUser = Dockerfile.parse(
        "FROM eclipse-temurin:17.0.15_6-jre-jammy\nUSER 10001\nUSER 0:0\nENTRYPOINT [\"java\"]\n");

    assertThat(DockerfilePolicy.violations(noUser))
        .containsExactly("final stage: no USER, so the container runs as root");
    assertThat(DockerfilePolicy.violations(rootUser)).containsExactly("final stage: USER 0 is root");
  }

  @Test
  void shouldJoinContinuationsAndResolveArgDefaults() {
    Dockerfile parsed = Dockerfile.parse(String.join("\n",
        "# syntax=docker/dockerfile:1.7",
        "ARG JRE=eclipse-temurin:17.0.15_6-jre-jammy",
        "FROM ${JRE} AS runtime",
        "ENV A=1 \\",
        "    # a comment inside a continuation is dropped",
        "    B=\"two words\"",
        ""));

    assertThat(parsed.directives()).containsEntry("syntax", "docker/dockerfile:1.7");
    assertThat(parsed.finalStage().image()).isEqualTo("eclipse-temurin:17.0.15_6-jre-jammy");
    assertThat(parsed.finalStage().name()).isEqualTo("runtime");
    assertThat(parsed.finalStage().env()).containsEntry("A", "1").containsEntry("B", "two words");
  }

  private static Dockerfile read(String file) throws IOException {
    return Dockerfile.parse(Files.readString(DOCKER.resolve(file)));
  }

  private static int indexOf(List<Dockerfile.Instruction> instructions, String keyword, String text) {
    for (int i = 0; i < instructions.size(); i++) {
      if (instructions.get(i).keyword().equals(keyword)
          && instructions.get(i).arguments().contains(text)) {
        return i;
      }
    }
    return -1;
  }
}
