package io.uptimemesh.web.ops;

import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.events.EventCategory;
import io.uptimemesh.core.events.EventLevel;
import io.uptimemesh.core.events.Events;
import io.uptimemesh.etcd.ops.SnapshotId;
import io.uptimemesh.etcd.ops.SnapshotJobs;
import io.uptimemesh.etcd.ops.SnapshotMetadata;
import io.uptimemesh.etcd.ops.SnapshotRestore;
import io.uptimemesh.web.Responses;
import io.uptimemesh.web.identity.AuthHandler;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Snapshots of this core node: start one ({@code 202} with the job id at once), list, show one,
 * download (streamed from disk, never held in memory), restore. Ids are checked against {@link
 * SnapshotId}'s pattern before anything touches the disk: a malformed id is a 400, an unknown one a
 * 404, never a path outside the snapshot directory. Logged-in operators only.
 *
 * <p>Snapshots are files on the node that took them: list and download show this node's.
 */
public final class SnapshotRoutes {
  /** Response header with the hex SHA-256 of a downloaded snapshot. */
  public static final String SHA256_HEADER = "X-Snapshot-SHA256";

  private final Vertx vertx;
  private final SnapshotJobs jobs;
  private final SnapshotRestore restore;
  private final Events events;
  private final Handler<RoutingContext> loggedIn;

  public SnapshotRoutes(
      Vertx vertx,
      SnapshotJobs jobs,
      SnapshotRestore restore,
      Handler<RoutingContext> loggedIn,
      Events events) {
    this.events = events;
    this.vertx = vertx;
    this.jobs = jobs;
    this.restore = restore;
    this.loggedIn = loggedIn;
  }

  public void addRoutes(Router router) {
    router.post("/api/v1/snapshots").handler(loggedIn).handler(this::start);
    router.get("/api/v1/snapshots").handler(loggedIn).handler(this::list);
    router.get("/api/v1/snapshots/:id").handler(loggedIn).handler(this::show);
    router.get("/api/v1/snapshots/:id/download").handler(loggedIn).handler(this::download);
    router.post("/api/v1/snapshots/:id/restore").handler(loggedIn).handler(this::restore);
  }

  private void start(RoutingContext ctx) {
    SnapshotJobs.Job job = jobs.start("api");
    ctx.response().putHeader("Location", "/api/v1/snapshots/" + job.id());
    Responses.json(ctx, 202, jobJson(job));
  }

  private void list(RoutingContext ctx) {
    vertx
        .executeBlocking(() -> jobs.files().list(), false)
        .onSuccess(
            files -> {
              JsonArray snapshots = new JsonArray();
              files.forEach(m -> snapshots.add(metaJson(m)));
              JsonArray running = new JsonArray();
              jobs.recent().stream()
                  .filter(j -> j.state() != SnapshotJobs.State.SUCCEEDED)
                  .forEach(j -> running.add(jobJson(j)));
              Responses.json(
                  ctx,
                  200,
                  new JsonObject()
                      .put("snapshots", snapshots)
                      .put("jobs", running)
                      .put("directory", jobs.files().directory().toString())
                      .put("retention", jobs.files().retention()));
            })
        .onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    String id = SnapshotId.validate(ctx.pathParam("id"));
    Optional<SnapshotJobs.Job> job = jobs.job(id);
    vertx
        .executeBlocking(() -> jobs.files().find(id), false)
        .onSuccess(
            meta -> {
              if (job.isEmpty() && meta.isEmpty()) {
                ctx.fail(UptimeMeshException.notFound("no snapshot " + id + " on this core node"));
                return;
              }
              JsonObject body =
                  job.map(SnapshotRoutes::jobJson)
                      .orElseGet(() -> new JsonObject().put("id", id).put("state", "succeeded"));
              meta.ifPresent(m -> body.put("snapshot", metaJson(m)));
              Responses.json(ctx, 200, body);
            })
        .onFailure(ctx::fail);
  }

  private void download(RoutingContext ctx) {
    String id = SnapshotId.validate(ctx.pathParam("id"));
    vertx
        .executeBlocking(
            () -> {
              SnapshotMetadata meta = jobs.files().require(id);
              return new Download(jobs.files().dataFile(id), meta);
            },
            false)
        .onSuccess(
            d ->
                ctx.response()
                    .putHeader("Content-Type", "application/octet-stream")
                    .putHeader("Content-Disposition", "attachment; filename=\"" + id + ".db\"")
                    .putHeader("Cache-Control", "no-store")
                    .putHeader(SHA256_HEADER, d.meta().sha256())
                    // sendFile streams from disk (zero-copy where possible) and sets the length.
                    .sendFile(d.file().toString())
                    .onFailure(ctx::fail))
        .onFailure(ctx::fail);
  }

  private record Download(Path file, SnapshotMetadata meta) {}

  private void restore(RoutingContext ctx) {
    String id = SnapshotId.validate(ctx.pathParam("id"));
    if (jobs.busy()) {
      // The restore stops etcd under the running snapshot's stream; let it finish first.
      throw UptimeMeshException.conflict(
          "a snapshot is running on this core node; restore when it is done");
    }
    restore
        .restore(id)
        .onComplete(
            ar ->
                events.record(
                    EventCategory.SNAPSHOT,
                    ar.succeeded() ? "restored" : "restore_failed",
                    ar.succeeded() ? EventLevel.WARNING : EventLevel.ERROR,
                    AuthHandler.user(ctx),
                    ar.succeeded()
                        ? Map.of(
                            "snapshot_id", id,
                            "revision", Long.toString(ar.result().revision()),
                            "duration_ms", Long.toString(ar.result().durationMs()))
                        : Map.of(
                            "snapshot_id", id, "error", String.valueOf(ar.cause().getMessage()))))
        .onSuccess(
            r ->
                Responses.json(
                    ctx,
                    200,
                    new JsonObject()
                        .put("restored", r.snapshotId())
                        .put("snapshot_revision", r.snapshotRevision())
                        .put("revision", r.revision())
                        .put("data_dir", r.dataDir())
                        .put("previous_data_dir", r.previousDataDir())
                        .put("duration_ms", r.durationMs())))
        .onFailure(ctx::fail);
  }

  static JsonObject jobJson(SnapshotJobs.Job j) {
    JsonObject out =
        new JsonObject()
            .put("id", j.id())
            .put("state", j.state().wireName())
            .put("trigger", j.trigger())
            .put("started_at", j.startedAt().toString())
            .put("finished_at", j.finishedAt() == null ? null : j.finishedAt().toString())
            .put("error", j.error());
    if (j.snapshot() != null) {
      out.put("snapshot", metaJson(j.snapshot()));
    }
    return out;
  }

  static JsonObject metaJson(SnapshotMetadata m) {
    return new JsonObject()
        .put("id", m.id())
        .put("created_at", m.createdAt())
        .put("revision", m.revision())
        .put("total_keys", m.totalKeys())
        .put("size", m.size())
        .put("sha256", m.sha256())
        .put("node", m.node())
        .put("etcd_version", m.etcdVersion())
        .put("duration_ms", m.durationMs());
  }
}
