package io.uptimemesh.agent.discovery;

import io.uptimemesh.agent.control.Backoff;
import io.uptimemesh.agent.control.ControlPlaneClient;
import io.uptimemesh.agent.status.AgentMetrics;
import io.uptimemesh.core.config.AgentDiscoverySettings;
import io.uptimemesh.core.discovery.DiscoveryDocument;
import io.uptimemesh.core.discovery.DiscoveryNode;
import io.uptimemesh.core.discovery.EndpointHealthReport;
import io.uptimemesh.core.discovery.EndpointProbe;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of service discovery (ADR 0013): follows the node's discovery document (stream,
 * full fetch, persisted copy), probes the endpoints it lists and reports their verdicts, and, when
 * {@code RUNTIME_DISCOVERY_ENABLE=true}, writes the zone and Corefile from its zone part. Starts
 * from the persisted document, so an agent started while the control plane is down still probes and
 * serves. Runs on the agent's context.
 */
public final class Discovery {
  private static final Logger LOG = LoggerFactory.getLogger(Discovery.class);

  private final Vertx vertx;
  private final String nodeId;
  private final AgentDiscoverySettings settings;
  private final Supplier<Optional<String>> meshAddress;
  private final Clock clock;
  private final AgentMetrics metrics;
  private final DiscoveryFile file;
  private final EndpointChecker checker;
  private final HealthReporter reporter;
  private final EndpointProbes probes;
  private final Optional<ZoneWriter> zone;
  private final ControlPlaneClient client;
  private final Duration resync;
  private DiscoveryTracker tracker;
  private DiscoveryStream stream;
  private boolean stopped;

  /**
   * @param http the agent's HTTP client, shared by the HTTP checks
   * @param meshAddress this node's mesh address from its desired state, if known
   */
  public Discovery(
      Vertx vertx,
      String nodeId,
      Path dataDir,
      AgentDiscoverySettings settings,
      ControlPlaneClient client,
      HttpClient http,
      Duration resync,
      Supplier<Optional<String>> meshAddress,
      Clock clock,
      AgentMetrics metrics) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.settings = settings;
    this.client = client;
    this.resync = resync;
    this.meshAddress = meshAddress;
    this.clock = clock;
    this.metrics = metrics;
    this.file = new DiscoveryFile(dataDir);
    this.checker = new EndpointChecker(vertx, http);
    this.reporter = new HealthReporter(vertx, client, nodeId, clock, Backoff.standard());
    this.probes = new EndpointProbes(vertx, checker, clock, this::verdict, reporter::forget);
    this.zone =
        settings.enabled()
            ? Optional.of(new ZoneWriter(vertx, settings, this::ownAddress, clock, metrics))
            : Optional.empty();
  }

  /** Reads the persisted document (on a worker), acts on it, then opens the stream. */
  public Future<Void> start() {
    return vertx
        .executeBlocking(() -> file.load(nodeId), false)
        .map(
            persisted -> {
              if (stopped) {
                return null;
              }
              tracker = new DiscoveryTracker(nodeId, settings.enabled(), persisted);
              stream =
                  new DiscoveryStream(
                      vertx, client, tracker, nodeId, resync, Backoff.standard(), this::changed);
              tracker
                  .current()
                  .ifPresent(
                      d -> {
                        LOG.info(
                            "starting from the persisted discovery document of revision {}"
                                + " ({} endpoints to probe)",
                            d.revision(),
                            d.probes().size());
                        act(d);
                      });
              stream.start();
              return null;
            });
  }

  /** Stops the stream, the probes and the reporter; closes the check clients. */
  public Future<?> stop() {
    stopped = true;
    if (stream != null) {
      stream.stop();
    }
    probes.stop();
    reporter.stop();
    zone.ifPresent(ZoneWriter::stop);
    return checker.close();
  }

  /**
   * Sends every verdict the probes hold again. The control plane keeps reports on the node's
   * liveness lease (ADR 0013), so after the lease may have expired (no heartbeat accepted for a
   * TTL, or the control plane was unreachable) they are gone there while the probes, seeing no
   * transition, would never report again; the server writes only what changed, so a repeat is
   * cheap. A retry the reporter was waiting out (the node was not alive) is sent at once.
   */
  public void reportAgain() {
    if (stopped) {
      return;
    }
    report(id -> true);
    reporter.retryNow();
  }

  /** Offers the verdict of every probe that has one and for which {@code wanted} holds. */
  private void report(java.util.function.Predicate<EndpointProber> wanted) {
    for (EndpointProber p : probes.all()) {
      if (p.state() != HealthStateMachine.State.UNKNOWN && wanted.test(p)) {
        EndpointProbe probe = p.probe();
        reporter.offer(
            new EndpointHealthReport.Report(
                probe.endpointId(),
                probe.endpointRevision(),
                p.state() == HealthStateMachine.State.HEALTHY,
                EndpointHealthReport.Report.shorten(p.detail()),
                p.since().orElseGet(clock::instant).toEpochMilli()));
      }
    }
  }

  /** This node's mesh address changed or became known: the zone may name it. */
  public void meshAddressChanged() {
    zone.ifPresent(ZoneWriter::refresh);
  }

  /** The zone writer, when this node serves DNS (tests). */
  public Optional<ZoneWriter> zoneWriter() {
    return zone;
  }

  public HealthReporter reporter() {
    return reporter;
  }

  private void changed(DiscoveryDocument document) {
    file.saveInBackground(vertx, document);
    act(document);
  }

  private void act(DiscoveryDocument document) {
    if (stopped) {
      return;
    }
    probes.update(document.probes());
    // What the control plane holds about our endpoints, against what we know: report the
    // differences (a verdict lost with an expired lease, or sent while the node was not alive).
    report(
        p ->
            !Boolean.valueOf(p.state() == HealthStateMachine.State.HEALTHY)
                .equals(document.reported().get(p.probe().endpointId())));
    if (document.zone() != null) {
      zone.ifPresent(z -> z.update(document.zone()));
    }
  }

  private void verdict(EndpointProbe probe, boolean healthy, String detail, Instant at) {
    metrics.endpointVerdict(healthy);
    LOG.info(
        "endpoint {} ({} {}:{}) is {}: {}",
        probe.endpointId(),
        probe.service(),
        probe.address(),
        probe.port(),
        healthy ? "healthy" : "unhealthy",
        detail);
    reporter.offer(
        new EndpointHealthReport.Report(
            probe.endpointId(),
            probe.endpointRevision(),
            healthy,
            EndpointHealthReport.Report.shorten(detail),
            at.toEpochMilli()));
  }

  /** The desired state's mesh address, else this node's entry in the zone data. */
  private Optional<String> ownAddress() {
    return meshAddress
        .get()
        .or(
            () ->
                Optional.ofNullable(tracker)
                    .flatMap(DiscoveryTracker::current)
                    .map(DiscoveryDocument::zone)
                    .flatMap(
                        z ->
                            z.nodes().stream()
                                .filter(n -> n.id().equals(nodeId))
                                .map(DiscoveryNode::meshAddress)
                                .findFirst()));
  }

  /** The {@code discovery} section of {@code uptimemesh status}. */
  public Map<String, Object> status() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("enabled", settings.enabled());
    out.put(
        "document_revision",
        tracker == null ? null : tracker.current().map(DiscoveryDocument::revision).orElse(null));
    out.put("stream_connected", stream != null && stream.connected());
    zone.ifPresent(
        z -> {
          out.put("zone_path", z.zonePath().toString());
          out.put("corefile_path", z.corefilePath().toString());
          out.put("domain", settings.served().domain());
          Optional<ZoneWriter.Rendered> r = z.rendered();
          out.put("serial", r.map(ZoneWriter.Rendered::serial).orElse(null));
          Map<String, Object> records = new LinkedHashMap<>();
          records.put("nodes", r.map(ZoneWriter.Rendered::nodes).orElse(null));
          records.put("services", r.map(ZoneWriter.Rendered::services).orElse(null));
          records.put("endpoints", r.map(ZoneWriter.Rendered::endpoints).orElse(null));
          records.put("total", r.map(ZoneWriter.Rendered::records).orElse(null));
          out.put("records", records);
          out.put("last_render", r.map(x -> x.at().toString()).orElse(null));
          out.put("last_reload", z.lastReload().map(Discovery::reload).orElse(null));
          out.put("last_error", z.lastError().orElse(null));
        });
    List<Object> endpoints = new ArrayList<>();
    for (EndpointProber p : probes.all()) {
      EndpointProbe probe = p.probe();
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("id", probe.endpointId());
      e.put("service", probe.service());
      e.put(
          "address",
          (probe.address() != null && probe.address().contains(":")
                  ? "[" + probe.address() + "]"
                  : probe.address())
              + ":"
              + probe.port());
      e.put(
          "check",
          probe.check().type() + (probe.check().path() == null ? "" : " " + probe.check().path()));
      e.put("state", p.state().name().toLowerCase(java.util.Locale.ROOT));
      e.put("since", p.since().map(Instant::toString).orElse(null));
      e.put("detail", p.detail());
      endpoints.add(e);
    }
    out.put("endpoints", endpoints);
    out.put("reports_pending", reporter.pending());
    return out;
  }

  /**
   * The {@code discovery} part of each heartbeat's status when this node serves DNS: only values
   * that change with the zone or a reload, so the node status is written on real changes only.
   */
  public Optional<Map<String, Object>> heartbeatSummary() {
    return zone.map(
        z -> {
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("serial", z.rendered().map(ZoneWriter.Rendered::serial).orElse(null));
          out.put("records", z.rendered().map(ZoneWriter.Rendered::records).orElse(null));
          out.put("zone_path", z.zonePath().toString());
          out.put(
              "last_reload",
              z.lastReload()
                  .map(
                      r -> {
                        Map<String, Object> reload = new LinkedHashMap<>();
                        reload.put("ok", r.ok());
                        reload.put("exit_code", r.exitCode());
                        reload.put("at_ms", r.at().toEpochMilli());
                        reload.put("duration_ms", r.duration().toMillis());
                        return reload;
                      })
                  .orElse(null));
          return out;
        });
  }

  private static Map<String, Object> reload(ReloadCommand.Result r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("ok", r.ok());
    out.put("exit_code", r.exitCode());
    out.put("at", r.at().toString());
    out.put("duration_ms", r.duration().toMillis());
    out.put("output_tail", r.outputTail());
    return out;
  }
}
