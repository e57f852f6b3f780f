package io.uptimemesh.agent.workloads;

import io.uptimemesh.agent.control.Backoff;
import io.uptimemesh.agent.control.ControlPlaneClient;
import io.uptimemesh.agent.control.SignedReporter;
import io.uptimemesh.core.config.AgentLxdSettings;
import io.uptimemesh.core.workload.ReplicaStatus;
import io.uptimemesh.core.workload.ReplicaStatusReport;
import io.uptimemesh.core.workload.WorkloadsDocument;
import io.uptimemesh.lxd.LxdClient;
import io.uptimemesh.lxd.LxdClientOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of LXD workloads (ADR 0014), when {@code LXD_ENABLED=true}: follows the node's
 * workloads document (stream, full fetch, persisted copy), hands its replicas to the {@link
 * LxdReconciler} (which also carries out operator commands once), and reports each changed replica
 * status ({@code POST /api/v1/nodes/{id}/replica-status}) with a {@link SignedReporter}. Starts
 * from the persisted document, so an agent started while the control plane is down still runs (and
 * keeps) its containers. Runs on the agent's context.
 */
public final class Workloads {
  private static final Logger LOG = LoggerFactory.getLogger(Workloads.class);

  /** How long a failed replica waits before its reconcile is tried again. */
  static final Duration RETRY = Duration.ofSeconds(30);

  /**
   * How often every replica is reconciled again against the document held, without asking the
   * control plane: a container stopped or deleted by hand comes back within this. An unchanged pass
   * costs a state read per replica (tens of ms), so once a minute stays far inside the idle CPU
   * budget.
   */
  static final Duration DRIFT_CHECK = Duration.ofSeconds(60);

  private final Vertx vertx;
  private final String nodeId;
  private final AgentLxdSettings settings;
  private final ControlPlaneClient client;
  private final Duration resync;
  private final Duration driftCheck;
  private final Supplier<Optional<String>> meshAddress;
  private final io.uptimemesh.agent.state.NodeDocumentFile<WorkloadsDocument> file;
  private final LxdClient lxd;
  private final LxdReconciler reconciler;
  private final SignedReporter<ReplicaStatus> reporter;
  private io.uptimemesh.agent.stream.DocumentTracker<WorkloadsDocument> tracker;
  private WorkloadsStream stream;
  private long resyncTimer = -1;
  private long driftTimer = -1;
  private io.vertx.core.Context context;
  private boolean stopped;
  private String lastError = "";

  /**
   * @param meshAddress this node's mesh address from its desired state, if known (used when the
   *     document carries none)
   * @param resync how often the whole document is fetched and every replica reconciled again
   *     (drift: a container stopped by hand)
   */
  public Workloads(
      Vertx vertx,
      String nodeId,
      Path dataDir,
      AgentLxdSettings settings,
      ControlPlaneClient client,
      Duration resync,
      Supplier<Optional<String>> meshAddress,
      Clock clock) {
    this(
        vertx,
        nodeId,
        dataDir,
        settings,
        client,
        resync,
        meshAddress,
        clock,
        LxdClient.create(vertx, LxdClientOptions.of(settings.socket()))
            .inProject(settings.project()),
        RETRY,
        DRIFT_CHECK);
  }

  /** With a given LXD client (tests: a project of their own), retry delay and drift check. */
  public Workloads(
      Vertx vertx,
      String nodeId,
      Path dataDir,
      AgentLxdSettings settings,
      ControlPlaneClient client,
      Duration resync,
      Supplier<Optional<String>> meshAddress,
      Clock clock,
      LxdClient lxd,
      Duration retry,
      Duration driftCheck) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.settings = settings;
    this.client = client;
    this.resync = resync;
    this.driftCheck = driftCheck;
    this.meshAddress = meshAddress;
    this.file = WorkloadsFile.in(dataDir);
    this.lxd = lxd;
    this.reporter =
        new SignedReporter<>(
            vertx,
            client,
            nodeId,
            clock,
            Backoff.standard(),
            new SignedReporter.Route<>(
                "replica status report",
                "/api/v1/nodes/" + nodeId + "/replica-status",
                "statuses",
                "replica_id",
                ReplicaStatusReport.MAX_STATUSES,
                ReplicaStatus::replicaId));
    this.reconciler =
        new LxdReconciler(vertx, lxd, settings, nodeId, clock, retry, this::statusChanged);
  }

  /**
   * Ensures the LXD project, reads the persisted document (on a worker) and acts on it, then opens
   * the stream. An LXD that does not answer is logged, not fatal: the reconciler retries.
   */
  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    return reconciler
        .start()
        .otherwise(
            e -> {
              lastError = "LXD: " + e.getMessage();
              LOG.warn("LXD project {} not ready: {}", settings.project(), e.getMessage());
              return null;
            })
        .compose(v -> vertx.executeBlocking(() -> file.load(nodeId), false))
        .map(
            persisted -> {
              if (stopped) {
                return null;
              }
              tracker =
                  new io.uptimemesh.agent.stream.DocumentTracker<>(
                      WorkloadsStream.KIND, d -> d.nodeId().equals(nodeId), persisted);
              stream =
                  new WorkloadsStream(
                      vertx, client, tracker, nodeId, resync, Backoff.standard(), this::changed);
              tracker
                  .current()
                  .ifPresent(
                      d -> {
                        LOG.info(
                            "starting from the persisted workloads document of revision {}"
                                + " ({} replicas)",
                            d.revision(),
                            d.replicas().size());
                        act(d);
                      });
              stream.start();
              resyncTimer =
                  vertx.setPeriodic(
                      resync.toMillis(), id -> tracker.current().ifPresent(this::act));
              driftTimer =
                  vertx.setPeriodic(
                      driftCheck.toMillis(), id -> tracker.current().ifPresent(this::act));
              return null;
            });
  }

  /** Stops the stream, the reconciler and the reporter, and closes the LXD client. */
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(resyncTimer);
    vertx.cancelTimer(driftTimer);
    if (stream != null) {
      stream.stop();
    }
    reconciler.stop();
    reporter.stop();
    return lxd.close();
  }

  /**
   * Sends every replica's status again: statuses live on the node's lease, so after a heartbeat gap
   * longer than its TTL they may be gone server-side; the server writes only what changed.
   */
  public void reportAgain() {
    if (stopped) {
      return;
    }
    reconciler.statuses().values().forEach(reporter::offer);
    reporter.retryNow();
  }

  public LxdReconciler reconciler() {
    return reconciler;
  }

  public SignedReporter<ReplicaStatus> reporter() {
    return reporter;
  }

  private void statusChanged(ReplicaStatus status) {
    if (!status.error().isEmpty()) {
      lastError = status.replicaId() + ": " + status.error();
    }
    // The reconciler's callbacks run on Vert.x threads; the reporter belongs to this context.
    context.runOnContext(v -> reporter.offer(status));
  }

  private void changed(WorkloadsDocument document) {
    file.saveInBackground(vertx, document);
    act(document);
  }

  private void act(WorkloadsDocument document) {
    if (stopped) {
      return;
    }
    WorkloadAssignments mapped = WorkloadAssignments.of(document, meshAddress.get());
    mapped.held().forEach((id, why) -> LOG.warn("replica {} cannot run as assigned: {}", id, why));
    reconciler.reconcile(mapped.assignments(), mapped.held());
  }

  /** The {@code workloads} section of {@code uptimemesh status}. */
  public Map<String, Object> status() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("enabled", true);
    out.put("project", settings.project());
    Optional<WorkloadsDocument> doc = tracker == null ? Optional.empty() : tracker.current();
    out.put("document_revision", doc.map(WorkloadsDocument::revision).orElse(null));
    out.put("stream_connected", stream != null && stream.connected());
    Map<String, ReplicaStatus> statuses = reconciler.statuses();
    List<Object> replicas = new ArrayList<>();
    for (WorkloadsDocument.Replica r : doc.map(WorkloadsDocument::replicas).orElse(List.of())) {
      ReplicaStatus s = statuses.get(r.id());
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("id", r.id());
      e.put("service", r.service());
      e.put("generation", r.generation());
      e.put("state", s == null ? "pending" : s.state());
      e.put("running_generation", s == null ? 0 : s.generation());
      e.put("error", s == null ? r.error() : s.error());
      e.put("command_seq", s == null ? 0 : s.commandSeq());
      e.put("command_error", s == null ? "" : s.commandError());
      replicas.add(e);
    }
    out.put("replicas", replicas);
    out.put("reports_pending", reporter.pending());
    out.put("last_error", lastError.isEmpty() ? null : lastError);
    return out;
  }

  /** The {@code workloads} part of each heartbeat: counts by state, which change rarely. */
  public Map<String, Object> heartbeatSummary() {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, ReplicaStatus> statuses = reconciler.statuses();
    out.put("replicas", statuses.size());
    out.put("running", statuses.values().stream().filter(ReplicaStatus::running).count());
    out.put("failed", statuses.values().stream().filter(s -> "failed".equals(s.state())).count());
    return out;
  }
}
