package io.neurostream.gateway;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Orthanc ({@code /usr/sbin/Orthanc}, with the {@code orthanc-dicomweb} plugin) as a
 * child process on loopback ports, configured with the gateway as a DICOMweb server and a Lua
 * rule that routes every stable study to it: the PACS of the end-to-end test.
 */
public final class OrthancProcess implements AutoCloseable {

  static final String PLUGIN = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final int httpPort;
  private final int dicomPort;
  private final Path log;
  private final HttpClient http = HttpClient.newHttpClient();

  private OrthancProcess(Process process, int httpPort, int dicomPort, Path log) {
    this.process = process;
    this.httpPort = httpPort;
    this.dicomPort = dicomPort;
    this.log = log;
  }

  /**
   * Starts Orthanc routing stable studies to {@code stowUrl} (the gateway's DICOMweb root) with
   * basic credentials {@code user:password}; with a null {@code stowUrl}, a PACS that routes
   * nothing.
   */
  public static OrthancProcess start(Path dir, String stowUrl, String user, String password)
      throws IOException {
    if (!Files.isExecutable(Path.of("/usr/sbin/Orthanc")) || !Files.exists(Path.of(PLUGIN))) {
      throw new IllegalStateException("Orthanc or its DICOMweb plugin is not installed; run .ci/run "
          + "or 'apt-get install -y orthanc orthanc-dicomweb'");
    }
    Files.createDirectories(dir.resolve("db"));
    int httpPort = freePort();
    int dicomPort = freePort();
    Path lua = Files.writeString(dir.resolve("route-to-neurostream.lua"), """
        -- auto-routing: every study, once stable, goes to NeuroStream over STOW-RS as a job
        function OnStableStudy(studyId, tags, metadata)
          local job = RestApiPost('/dicom-web/servers/neurostream/stow',
            '{"Resources": ["' .. studyId .. '"], "Synchronous": false}')
          print('neurostream routing job for study ' .. studyId .. ': ' .. job)
        end
        """);
    ObjectNode config = JSON.createObjectNode();
    config.put("Name", "NEUROSTREAM-IT");
    config.put("StorageDirectory", dir.resolve("db").toString());
    config.put("IndexDirectory", dir.resolve("db").toString());
    config.put("HttpPort", httpPort);
    config.put("DicomPort", dicomPort);
    config.put("DicomAet", "ORTHANC");
    config.put("RemoteAccessAllowed", false);
    config.put("AuthenticationEnabled", false);
    config.put("StableAge", 2);
    config.putArray("Plugins").add(PLUGIN);
    ObjectNode web = config.putObject("DicomWeb");
    web.put("Enable", true);
    web.put("Root", "/dicom-web/");
    if (stowUrl != null) {
      config.putArray("LuaScripts").add(lua.toString());
      web.putObject("Servers").putArray("neurostream").add(stowUrl).add(user).add(password);
    }
    Path file = dir.resolve("orthanc.json");
    JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), config);
    Path log = dir.resolve("orthanc.log");
    Process p = new ProcessBuilder("/usr/sbin/Orthanc", "--verbose", file.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    OrthancProcess orthanc = new OrthancProcess(p, httpPort, dicomPort, log);
    await("Orthanc answers on port " + httpPort + " (log: " + log + ")")
        .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .until(() -> {
          if (!p.isAlive()) {
            throw new IllegalStateException("Orthanc exited: " + Files.readString(log));
          }
          return orthanc.getOrNull("/system") != null;
        });
    return orthanc;
  }

  public int dicomPort() {
    return dicomPort;
  }

  public Path log() {
    return log;
  }

  /** The root of Orthanc's DICOMweb API, without a trailing slash. */
  public String dicomWebRoot() {
    return "http://127.0.0.1:" + httpPort + "/dicom-web";
  }

  /** GET {@code path} of Orthanc's REST API as JSON, or null when it does not answer 200. */
  public JsonNode getOrNull(String path) {
    byte[] body = bytesOrNull(path);
    try {
      return body == null || body.length == 0 ? null : JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  /** GET {@code path} of Orthanc's REST API, or null when it does not answer 200. */
  public byte[] bytesOrNull(String path) {
    try {
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + httpPort + path)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The jobs Orthanc ran, expanded (Type, State, ErrorDescription...). */
  public List<JsonNode> jobs() {
    JsonNode jobs = getOrNull("/jobs?expand");
    java.util.List<JsonNode> out = new java.util.ArrayList<>();
    if (jobs != null) {
      jobs.forEach(out::add);
    }
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
