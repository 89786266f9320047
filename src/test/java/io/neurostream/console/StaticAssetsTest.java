package io.neurostream.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each page is the shared head, filled in with its title and script, then its own body. */
class StaticAssetsTest {

  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    Router router = new Router();
    new StaticAssets().register(router);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", router);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @ParameterizedTest
  @CsvSource({
      "/, overview, overview, id=\"window-seconds\"",
      "/releases, releases, releases, <main>",
      "/series, series, series, id=\"verdicts-note\"",
      "/dead-letters, dead-letters, dead letters, <main>"})
  void shouldServeEachPageWithTheSharedHeadFilledIn(String path, String page, String title, String own)
      throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(response.body())
        .startsWith("<!doctype html>\n<html lang=\"en\">\n<head>\n")
        .contains("<title>NeuroStream console — " + title + "</title>\n")
        .contains("<script src=\"/assets/" + page + ".js\" defer></script>\n</head>\n<body>\n<main>")
        .contains(own)
        .doesNotContain("{{");
  }
}
