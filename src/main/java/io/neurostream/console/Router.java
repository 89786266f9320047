package io.neurostream.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's routes on one JDK {@code HttpServer} context: path templates with
 * {@code {name}} parameters, method matching (HEAD answers as GET without a body, a wrong method
 * is 405 with {@code Allow}), JSON errors ({@code {"error": "..."}}) from {@link ApiException}s.
 * {@link #routes()} lists what is served, so a test can hold it against the OpenAPI document.
 */
final class Router implements HttpHandler {

  private static final Logger LOG = LoggerFactory.getLogger(Router.class);
  static final ObjectMapper JSON = new ObjectMapper()
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
  /** Largest request body read (a replay request lists ids, a rollback a reason). */
  private static final int MAX_BODY = 1 << 20;

  /** Handles one matched request; writes the response through {@link Request}. */
  @FunctionalInterface
  interface Handler {
    void handle(Request request) throws IOException;
  }

  /** One route: method, path template, handler. */
  record Route(String method, String path, Handler handler, Pattern pattern, List<String> names) {

    static Route of(String method, String path, Handler handler) {
      List<String> names = new ArrayList<>();
      Matcher m = Pattern.compile("\\{([a-zA-Z]+)}").matcher(path);
      StringBuilder regex = new StringBuilder();
      int last = 0;
      while (m.find()) {
        regex.append(Pattern.quote(path.substring(last, m.start()))).append("([^/]+)");
        names.add(m.group(1));
        last = m.end();
      }
      regex.append(Pattern.quote(path.substring(last)));
      return new Route(method, path, handler, Pattern.compile(regex.toString()), List.copyOf(names));
    }
  }

  /** A request matched to a route, and the ways to answer it. */
  static final class Request {
    private final HttpExchange exchange;
    private final Map<String, String> params;
    private final Map<String, String> query;

    Request(HttpExchange exchange, Map<String, String> params) {
      this.exchange = exchange;
      this.params = params;
      this.query = parseQuery(exchange.getRequestURI().getRawQuery());
    }

    HttpExchange exchange() {
      return exchange;
    }

    String param(String name) {
      return params.get(name);
    }

    Optional<String> query(String name) {
      return Optional.ofNullable(query.get(name)).filter(v -> !v.isBlank());
    }

    int intQuery(String name, int otherwise, int min, int max) {
      Optional<String> v = query(name);
      if (v.isEmpty()) {
        return otherwise;
      }
      try {
        return Math.max(min, Math.min(max, Integer.parseInt(v.get().strip())));
      } catch (NumberFormatException e) {
        throw ApiException.badRequest(name + "=" + v.get() + " is not a number");
      }
    }

    String header(String name) {
      return exchange.getRequestHeaders().getFirst(name);
    }

    /** The JSON body as {@code type}; 400 naming the problem if it does not parse. */
    <T> T body(Class<T> type) throws IOException {
      byte[] bytes;
      try (InputStream in = exchange.getRequestBody()) {
        bytes = in.readNBytes(MAX_BODY + 1);
      }
      if (bytes.length > MAX_BODY) {
        throw new ApiException(413, "request body larger than " + MAX_BODY + " bytes");
      }
      if (bytes.length == 0) {
        bytes = "{}".getBytes(StandardCharsets.UTF_8);
      }
      try {
        return JSON.readValue(bytes, type);
      } catch (IOException e) {
        throw ApiException.badRequest("the body is not the JSON this call takes: "
            + e.getMessage().lines().findFirst().orElse(""));
      }
    }

    void json(int status, Object value) throws IOException {
      bytes(status, "application/json; charset=utf-8", JSON.writeValueAsBytes(value));
    }

    void text(int status, String type, String body) throws IOException {
      bytes(status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    void bytes(int status, String type, byte[] body) throws IOException {
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
      if (!head && body.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }

    private static Map<String, String> parseQuery(String raw) {
      Map<String, String> out = new LinkedHashMap<>();
      if (raw == null || raw.isEmpty()) {
        return out;
      }
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        String k = eq < 0 ? pair : pair.substring(0, eq);
        String v = eq < 0 ? "" : pair.substring(eq + 1);
        out.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8),
            URLDecoder.decode(v, StandardCharsets.UTF_8));
      }
      return out;
    }
  }

  private final List<Route> routes = new ArrayList<>();

  Router get(String path, Handler handler) {
    return add("GET", path, handler);
  }

  Router post(String path, Handler handler) {
    return add("POST", path, handler);
  }

  private Router add(String method, String path, Handler handler) {
    routes.add(Route.of(method, path, handler));
    return this;
  }

  /** Every route served, as {@code METHOD path-template}. */
  List<String> routes() {
    return routes.stream().map(r -> r.method() + " " + r.path()).toList();
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      String lookup = "HEAD".equals(method) ? "GET" : method;
      List<String> allowed = new ArrayList<>();
      for (Route route : routes) {
        Matcher m = route.pattern().matcher(path);
        if (!m.matches()) {
          continue;
        }
        if (!route.method().equals(lookup)) {
          allowed.add(route.method());
          continue;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < route.names().size(); i++) {
          params.put(route.names().get(i), URLDecoder.decode(m.group(i + 1), StandardCharsets.UTF_8));
        }
        dispatch(route, new Request(exchange, params));
        return;
      }
      Request request = new Request(exchange, Map.of());
      if (!allowed.isEmpty()) {
        exchange.getResponseHeaders().set("Allow", String.join(", ", allowed));
        request.json(405, Map.of("error", method + " is not allowed on " + path + "; use "
            + String.join(" or ", allowed)));
      } else {
        request.json(404, Map.of("error", "no such page or API call: " + path
            + "; see /openapi.json"));
      }
    }
  }

  private static void dispatch(Route route, Request request) throws IOException {
    try {
      route.handler().handle(request);
    } catch (ApiException e) {
      request.json(e.status(), Map.of("error", e.getMessage()));
    } catch (IllegalArgumentException e) {
      request.json(400, Map.of("error", String.valueOf(e.getMessage())));
    } catch (IllegalStateException e) {
      LOG.warn("{} {}: {}", route.method(), route.path(), e.getMessage());
      request.json(409, Map.of("error", String.valueOf(e.getMessage())));
    } catch (IOException e) {
      LOG.debug("{} {}: client gone: {}", route.method(), route.path(), e.toString());
    } catch (RuntimeException e) {
      LOG.error("{} {} failed", route.method(), route.path(), e);
      request.json(500, Map.of("error", "internal error: " + e + "; see the console's log"));
    }
  }
}
