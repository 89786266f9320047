package io.neurostream.console;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.imaging.ScanReader;
import io.neurostream.kafka.KafkaClients;
import io.neurostream.kafka.StatusPublisher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running console: follows the status, releases, predictions and dead-letter topics, samples
 * the scans topic's traffic, and serves the web UI, its JSON API, {@code /openapi.json}, server-sent
 * events ({@code /api/events}) and its own {@code /metrics}, {@code /live}, {@code /ready}, all on
 * {@code console.port} (JDK HttpServer: no framework in the jar). It changes the system only
 * through topics, and only with the admin token: rollback (release records) and replay (scans).
 */
public final class ConsoleService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleService.class);
  /** Request threads; each open page holds one for its event stream. */
  private static final int MAX_THREADS = EventStream.MAX_CLIENTS + 16;

  private final ConsoleConfig config;
  private final EventStream events = new EventStream();
  private final Map<String, AtomicBoolean> dirty = new ConcurrentHashMap<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean closed = new AtomicBoolean();
  private StatusBoard status;
  private ReleaseBoard releases;
  private PredictionWindow predictions;
  private DeadLetterIndex deadLetters;
  private TrafficMeter traffic;
  private VerdictBoard verdicts;
  private DeadLetterReplay replay;
  private SliceThumbnails thumbnails;
  private ConsoleState state;
  private ScheduledExecutorService timer;
  private ThreadPoolExecutor requests;
  private HttpServer server;
  private Router router;
  private StatusPublisher heartbeat;

  private ConsoleService(ConsoleConfig config) {
    this.config = config;
  }

  /**
   * Starts the console; its pages answer at once and fill in as the topics are read.
   *
   * @throws UncheckedIOException naming the port and the fix if it cannot bind
   */
  public static ConsoleService start(ConsoleConfig config, PrometheusMeterRegistry registry) {
    ConsoleService service = new ConsoleService(config);
    try {
      service.startUp(registry);
    } catch (RuntimeException e) {
      service.close();
      throw e;
    }
    return service;
  }

  private void startUp(PrometheusMeterRegistry registry) {
    Map<String, Object> client = config.common().kafkaProperties();
    Map<String, Object> serde = config.common().serdeConfig();
    status = new StatusBoard(client, serde, changed("instances")).start();
    releases = new ReleaseBoard(client, serde, changed("releases")).start();
    predictions = new PredictionWindow(client, serde, config.predictionsKept(),
        changed("predictions")).start();
    deadLetters = new DeadLetterIndex(client, serde, config.deadLettersKept(),
        changed("dead-letters")).start();
    verdicts = new VerdictBoard(client, serde, config.predictionsKept(), changed("verdicts"))
        .start();
    traffic = new TrafficMeter(client, status::classifierGroups);
    replay = new DeadLetterReplay(client, serde);
    thumbnails = new SliceThumbnails(new ScanReader(client, serde));
    state = new ConsoleState(status, releases, predictions, deadLetters, traffic, verdicts,
        config.predictionsKept());

    router = new Router();
    new StaticAssets().register(router);
    new ConsoleApi(state, new AdminToken(config.adminToken()),
        new ReleaseRollback(client, serde, releases), replay, thumbnails).register(router);
    router.get("/api/events", events::serve)
        .get("/metrics", r -> r.text(200, "text/plain; version=0.0.4; charset=utf-8",
            registry.scrape()))
        .get("/live", r -> health(r, live()))
        .get("/ready", r -> health(r, ready()));
    Gauge.builder("neurostream.console.event.streams", events, EventStream::clients)
        .description("Pages connected to the console's event stream").register(registry);

    try {
      server = HttpServer.create(new InetSocketAddress(config.port()), 64);
    } catch (BindException e) {
      throw new UncheckedIOException("console.port=" + config.port() + " is in use; set "
          + "console.port (--port) to a free port (0 picks one)", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open console.port=" + config.port() + ": "
          + e.getMessage(), e);
    }
    requests = new ThreadPoolExecutor(2, MAX_THREADS, 60, TimeUnit.SECONDS,
        new SynchronousQueue<>(), r -> {
          Thread t = new Thread(r, "console-http");
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
    server.createContext("/", router);
    server.setExecutor(requests);
    server.start();

    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "console-tick");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::tick, 0, 1, TimeUnit.SECONDS);
    heartbeat = StatusPublisher.start("console", Optional.empty(), port(),
        new KafkaClients(client, serde), StatusPublisher.DEFAULT_INTERVAL,
        () -> new StatusPublisher.Snapshot(Optional.empty(), ready().ok(), ready().detail(),
            Map.of("event_streams", (double) events.clients())));
    LOG.info("console at {} (admin actions {})", url(),
        config.adminToken().isPresent() ? "enabled with the admin token" : "disabled: no "
            + "console.admin.token");
  }

  private Runnable changed(String event) {
    AtomicBoolean flag = dirty.computeIfAbsent(event, k -> new AtomicBoolean());
    return () -> flag.set(true);
  }

  /** Once a second: sample traffic, push the overview, and say which lists changed. */
  private void tick() {
    try {
      traffic.sample();
      events.broadcast("overview", Router.JSON.writeValueAsString(state.overview()));
      dirty.forEach((event, flag) -> {
        if (flag.getAndSet(false)) {
          events.broadcast(event, "{}");
        }
      });
    } catch (Exception e) {
      LOG.warn("console tick: {}", e.toString(), e);
    }
  }

  private record Health(boolean ok, String detail) {}

  private Health live() {
    List<String> problems = state.problems().stream().filter(p -> p.startsWith("not following"))
        .toList();
    return problems.isEmpty() ? new Health(true, "alive")
        : new Health(false, String.join("; ", problems));
  }

  private Health ready() {
    boolean caughtUp = status.caughtUp() && releases.caughtUp() && deadLetters.caughtUp();
    return caughtUp ? new Health(true, "topics read; " + status.instances().size()
        + " instances known") : new Health(false, "still reading the status, releases and "
        + "dead-letter topics");
  }

  private static void health(Router.Request r, Health h) throws IOException {
    r.text(h.ok() ? 200 : 503, "text/plain; charset=utf-8", h.detail() + "\n");
  }

  /** The port actually bound. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Where a browser on this host opens the console. */
  public String url() {
    return "http://localhost:" + port() + "/";
  }

  /** Every route the console serves, as {@code METHOD /path/{param}}. */
  public List<String> routes() {
    return router.routes();
  }

  /** Blocks until the console is closed; always 0 (it has no fatal state of its own). */
  public int awaitStopped() throws InterruptedException {
    stopped.await();
    return 0;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    events.close();
    closeQuietly(heartbeat);
    if (timer != null) {
      timer.shutdownNow();
    }
    if (server != null) {
      server.stop(0);
    }
    if (requests != null) {
      requests.shutdownNow();
    }
    closeQuietly(status);
    closeQuietly(releases);
    closeQuietly(predictions);
    closeQuietly(deadLetters);
    closeQuietly(verdicts);
    closeQuietly(traffic);
    closeQuietly(replay);
    closeQuietly(thumbnails);
    stopped.countDown();
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      LOG.debug("closing {}: {}", c, e.toString());
    }
  }
}
