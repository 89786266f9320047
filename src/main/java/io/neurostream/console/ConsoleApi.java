package io.neurostream.console;

import io.neurostream.avro.DeadLetter;
import io.neurostream.avro.ModelRelease;
import io.neurostream.console.PredictionWindow.PredictionView;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON API behind every page ({@code /api/...}), as handlers on the {@link Router}. Reads come
 * from what the console follows in Kafka; the two actions (rollback, replay) need the admin token.
 * The routes are documented in {@code /openapi.json}; a test holds the two against each other.
 */
final class ConsoleApi {

  /** Body of {@code POST /api/releases/{version}/rollback}. */
  record RollbackRequest(String reason, boolean force, String confirm) {}

  /** Body of {@code POST /api/dead-letters/replay}. */
  record ReplayRequest(List<String> ids) {}

  private static final int PREVIEW_BYTES = 256;

  private final ConsoleState state;
  private final AdminToken token;
  private final ReleaseRollback rollback;
  private final DeadLetterReplay replay;
  private final SliceThumbnails thumbnails;

  ConsoleApi(ConsoleState state, AdminToken token, ReleaseRollback rollback,
      DeadLetterReplay replay, SliceThumbnails thumbnails) {
    this.state = state;
    this.token = token;
    this.rollback = rollback;
    this.replay = replay;
    this.thumbnails = thumbnails;
  }

  /** Adds the API's routes to {@code router}. */
  void register(Router router) {
    router.get("/api/overview", r -> r.json(200, state.overview()))
        .get("/api/instances", r -> r.json(200, Map.of("instances", state.status().instances())))
        .get("/api/releases", r -> r.json(200, state.releases()))
        .post("/api/releases/{version}/rollback", this::rollback)
        .get("/api/predictions", this::predictions)
        .get("/api/series", this::series)
        .get("/api/series/{seriesUid}", this::seriesDetail)
        .get("/api/series/{seriesUid}/slices/{sopInstanceUid}/thumbnail.png", this::thumbnail)
        .get("/api/explanations/{sopInstanceUid}", this::overlay)
        .get("/api/dead-letters", this::deadLetters)
        .get("/api/dead-letters/{id}", this::deadLetter)
        .post("/api/dead-letters/replay", this::replay);
  }

  private void rollback(Router.Request r) throws IOException {
    String version = r.param("version");
    token.require(r.header("Authorization"), "rollback");
    RollbackRequest body = r.body(RollbackRequest.class);
    if (!version.equals(body.confirm())) {
      throw ApiException.badRequest("confirm the rollback: send \"confirm\": \"" + version
          + "\" in the body");
    }
    List<ModelRelease> published = rollback.rollback(version, body.reason(), body.force());
    List<Map<String, Object>> out = new ArrayList<>();
    published.forEach(p -> out.add(ConsoleState.release(p, List.of())));
    r.json(200, Map.of("version", version, "published", out));
  }

  private void predictions(Router.Request r) throws IOException {
    int limit = r.intQuery("limit", 200, 1, 5000);
    List<PredictionView> matching = filtered(r);
    r.json(200, Map.of("kept", state.predictions().recent().size(), "matching", matching.size(),
        "predictions", matching.subList(0, Math.min(limit, matching.size()))));
  }

  private List<PredictionView> filtered(Router.Request r) {
    Optional<String> stage = r.query("stage");
    Optional<String> version = r.query("version");
    Optional<String> series = r.query("series");
    Optional<String> patient = r.query("patient");
    return state.predictions().recent().stream()
        .filter(p -> stage.map(s -> s.equalsIgnoreCase(p.predicted())).orElse(true))
        .filter(p -> version.map(v -> v.equals(p.modelVersion())).orElse(true))
        .filter(p -> series.map(s -> p.seriesUid().contains(s)).orElse(true))
        .filter(p -> patient.map(s -> p.patientKey().contains(s)).orElse(true))
        .toList();
  }

  private void series(Router.Request r) throws IOException {
    int limit = r.intQuery("limit", 100, 1, 2000);
    List<Map<String, Object>> all = SeriesView.summaries(filtered(r), state.verdicts()::verdict);
    r.json(200, Map.of("matching", all.size(), "series", all.subList(0, Math.min(limit, all.size())),
        "verdicts", state.verdicts().any() ? SeriesView.WITH_VERDICTS_NOTE
            : SeriesView.VERDICTS_NOTE));
  }

  private void seriesDetail(Router.Request r) throws IOException {
    String uid = r.param("seriesUid");
    List<PredictionView> slices = state.predictions().recent().stream()
        .filter(p -> p.seriesUid().equals(uid)).toList();
    if (slices.isEmpty()) {
      throw ApiException.notFound("no recent predictions of series " + uid + " (the console keeps "
          + "the newest " + state.predictionsKept() + ")");
    }
    r.json(200, SeriesView.detail(uid, slices, state.verdicts()::verdict,
        state.verdicts().explanations(uid), state.verdicts().any()));
  }

  private void thumbnail(Router.Request r) throws IOException {
    String uid = r.param("seriesUid");
    String sop = r.param("sopInstanceUid");
    int size = r.intQuery("size", SliceThumbnails.DEFAULT_SIZE, SliceThumbnails.MIN_SIZE,
        SliceThumbnails.MAX_SIZE);
    PredictionView slice = state.predictions().recent().stream()
        .filter(p -> p.seriesUid().equals(uid) && p.scanId().equals(sop)).findFirst()
        .orElseThrow(() -> ApiException.notFound("no recent prediction of slice " + sop
            + " in series " + uid + " (the console keeps the newest " + state.predictionsKept()
            + ")"));
    r.bytes(200, "image/png", thumbnails.png(slice, size));
  }

  private void overlay(Router.Request r) throws IOException {
    String sop = r.param("sopInstanceUid");
    byte[] png = state.verdicts().overlay(sop).orElseThrow(() -> ApiException.notFound(
        "no recent Grad-CAM explanation of slice " + sop + " (the console keeps the newest "
            + state.verdicts().kept() + ")"));
    r.bytes(200, "image/png", png);
  }

  private void deadLetters(Router.Request r) throws IOException {
    int limit = r.intQuery("limit", 200, 1, 5000);
    Optional<String> stage = r.query("stage");
    Optional<String> reason = r.query("reason");
    List<DeadLetterIndex.Summary> matching = state.deadLetters().recent().stream()
        .filter(d -> stage.map(s -> s.equals(d.stage())).orElse(true))
        .filter(d -> reason.map(s -> s.equals(d.errorType())).orElse(true))
        .toList();
    long total = state.deadLetters().counts().stream().mapToLong(DeadLetterIndex.Count::count).sum();
    r.json(200, Map.of("total", total, "counts", state.deadLetters().counts(),
        "matching", matching.size(),
        "deadLetters", matching.subList(0, Math.min(limit, matching.size()))));
  }

  private void deadLetter(Router.Request r) throws IOException {
    String id = r.param("id");
    DeadLetter d = replay.read(id);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", id);
    out.put("sourceTopic", d.getSourceTopic());
    out.put("sourcePartition", d.getSourcePartition());
    out.put("sourceOffset", d.getSourceOffset());
    out.put("sourceKey", d.getSourceKey() == null ? null : utf8(d.getSourceKey()));
    out.put("stage", d.getStage());
    out.put("errorType", d.getErrorType());
    out.put("errorMessage", d.getErrorMessage());
    out.put("failedAt", d.getFailedAt().toEpochMilli());
    ByteBuffer v = d.getOriginalValue();
    out.put("originalBytes", v == null ? 0 : v.remaining());
    out.put("originalPreviewHex", v == null ? null : preview(v));
    out.put("wireFormat", v == null ? null : wireFormat(v));
    out.put("replays", state.deadLetters().find(id).map(DeadLetterIndex.Summary::replays)
        .orElse(List.of()));
    r.json(200, out);
  }

  private void replay(Router.Request r) throws IOException {
    token.require(r.header("Authorization"), "replay");
    ReplayRequest body = r.body(ReplayRequest.class);
    if (body.ids() == null || body.ids().isEmpty()) {
      throw ApiException.badRequest("select dead letters to replay: send {\"ids\": [\"<partition>-"
          + "<offset>\", ...]}");
    }
    if (body.ids().size() > 1000) {
      throw ApiException.badRequest(body.ids().size() + " dead letters at once; replay at most 1000");
    }
    body.ids().forEach(DeadLetterReplay::partition); // 400 on a malformed id before anything is sent
    List<DeadLetterReplay.Outcome> outcomes = replay.replay(body.ids());
    outcomes.forEach(o -> state.deadLetters().replayed(o.id(), o.replayed()
        ? "replayed to " + o.target() + " at " + java.time.Instant.now()
        : "replay failed: " + o.error()));
    long ok = outcomes.stream().filter(DeadLetterReplay.Outcome::replayed).count();
    r.json(200, Map.of("replayed", ok, "failed", outcomes.size() - ok, "outcomes", outcomes));
  }

  private static String utf8(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] bytes = new byte[d.remaining()];
    d.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static String preview(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] bytes = new byte[Math.min(PREVIEW_BYTES, d.remaining())];
    d.get(bytes);
    return HexFormat.of().withDelimiter(" ").formatHex(bytes);
  }

  /** What the first five bytes say in the Confluent wire format (magic 0, schema id). */
  private static Map<String, Object> wireFormat(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    if (d.remaining() < 5) {
      return Map.of("valid", false, "why", "shorter than the 5-byte wire-format header");
    }
    byte magic = d.get();
    int schemaId = d.getInt();
    if (magic != 0) {
      return Map.of("valid", false, "why", "magic byte " + magic + ", not 0");
    }
    return Map.of("valid", true, "schemaId", schemaId);
  }
}
