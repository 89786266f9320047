package io.neurostream.model.engine;

import java.util.Locale;

/**
 * How a model serves: which forward path and how many inference workers.
 *
 * @param graph {@link Graph#AUTO} serves the compiled graph where the engine has one (MXNet on a
 *     CPU) and it matched the imperative network on a probe batch, else the imperative path;
 *     {@link Graph#IMPERATIVE} always the portable path; {@link Graph#COMPILED} the compiled graph
 *     or an error
 * @param workers data-parallel inference workers: a batch is split into this many shares that
 *     run at once, each worker on {@code cores / workers} operator threads; 0 picks the default
 *     for the engine ({@link #resolvedWorkers})
 */
public record ServingOptions(Graph graph, int workers) {

  /** System property (or environment variable {@code NEUROSTREAM_INFERENCE_GRAPH}) for graph. */
  public static final String GRAPH_PROPERTY = "neurostream.inference.graph";
  /** System property (or {@code NEUROSTREAM_INFERENCE_WORKERS}) for the number of workers. */
  public static final String WORKERS_PROPERTY = "neurostream.inference.workers";

  /** The forward path to serve. */
  public enum Graph {
    AUTO, IMPERATIVE, COMPILED;

    /** Parses {@code auto}, {@code imperative} or {@code compiled}. */
    public static Graph parse(String text) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("inference graph '" + text
            + "' is not known; use auto, imperative or compiled", e);
      }
    }
  }

  public ServingOptions {
    if (graph == null) {
      throw new IllegalArgumentException("graph must be auto, imperative or compiled");
    }
    if (workers < 0) {
      throw new IllegalArgumentException("inference workers must be >= 0 (0 = the engine's"
          + " default), not " + workers);
    }
  }

  /**
   * The options from {@link #GRAPH_PROPERTY} and {@link #WORKERS_PROPERTY} (system property first,
   * then the environment variable), {@code auto} and 0 when unset.
   */
  public static ServingOptions defaults() {
    String graph = setting(GRAPH_PROPERTY, "NEUROSTREAM_INFERENCE_GRAPH");
    String workers = setting(WORKERS_PROPERTY, "NEUROSTREAM_INFERENCE_WORKERS");
    int w;
    try {
      w = workers == null ? 0 : Integer.parseInt(workers.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(WORKERS_PROPERTY + "=" + workers
          + " is not a number; use 0 (the engine's default) or a count of workers", e);
    }
    return new ServingOptions(graph == null ? Graph.AUTO : Graph.parse(graph), w);
  }

  /** The portable path with one worker: the reference the others are checked against. */
  public static ServingOptions reference() {
    return new ServingOptions(Graph.IMPERATIVE, 1);
  }

  /**
   * Workers to run for {@code engine} on {@code cores} cores: the number asked for, or by default
   * one per core on MXNet (whose operator threads are a per-thread OpenMP setting, so each worker
   * gets its own share) and one elsewhere (PyTorch's operator threads are one process-wide pool).
   */
  public int resolvedWorkers(String engine, int cores) {
    if (workers > 0) {
      return workers;
    }
    return "MXNet".equals(engine) ? Math.max(1, cores) : 1;
  }

  private static String setting(String property, String env) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) {
      v = System.getenv(env);
    }
    return v == null || v.isBlank() ? null : v;
  }
}
