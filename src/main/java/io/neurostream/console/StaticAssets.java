package io.neurostream.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The pages, scripts and styles of the web UI, served from the jar (no CDN: hospital networks are
 * often offline). Names are checked against a strict pattern, so no request reaches outside the
 * console's resource folder.
 */
final class StaticAssets {

  private static final String ROOT = "/io/neurostream/console/web/";
  private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,40}\\.(html|js|css|svg)");
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "svg", "image/svg+xml");

  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

  /** Adds the pages and {@code /assets/{name}} to {@code router}. */
  void register(Router router) {
    router.get("/", r -> page(r, "overview", "overview"))
        .get("/releases", r -> page(r, "releases", "releases"))
        .get("/series", r -> page(r, "series", "series"))
        .get("/dead-letters", r -> page(r, "dead-letters", "dead letters"))
        .get("/assets/{name}", r -> serve(r, r.param("name")))
        .get("/openapi.json", r -> r.bytes(200, "application/json; charset=utf-8",
            load("/io/neurostream/console/openapi.json")));
  }

  /**
   * A page: the head every page shares ({@code page-head.html}, with the page's title and script
   * filled in), then the page's own {@code {name}.html}.
   */
  private void page(Router.Request r, String name, String title) throws IOException {
    byte[] body = cache.computeIfAbsent("page:" + name, n -> {
      String head = new String(load(ROOT + "page-head.html"), StandardCharsets.UTF_8)
          .replace("{{title}}", title).replace("{{page}}", name);
      String own = new String(load(ROOT + name + ".html"), StandardCharsets.UTF_8);
      return (head + own).getBytes(StandardCharsets.UTF_8);
    });
    r.bytes(200, TYPES.get("html"), body);
  }

  private void serve(Router.Request r, String name) throws IOException {
    if (!NAME.matcher(name).matches()) {
      throw ApiException.notFound("no asset " + name);
    }
    byte[] body = cache.computeIfAbsent(name, n -> load(ROOT + n));
    if (body.length == 0) {
      throw ApiException.notFound("no asset " + name);
    }
    r.bytes(200, TYPES.get(name.substring(name.lastIndexOf('.') + 1)), body);
  }

  private static byte[] load(String resource) {
    try (InputStream in = StaticAssets.class.getResourceAsStream(resource)) {
      return in == null ? new byte[0] : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource + " from the jar", e);
    }
  }
}
