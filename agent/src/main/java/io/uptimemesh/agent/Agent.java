package io.uptimemesh.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.agent.control.ApiUrls;
import io.uptimemesh.agent.control.Backoff;
import io.uptimemesh.agent.control.ControlPlaneClient;
import io.uptimemesh.agent.control.ControlPlaneHealth;
import io.uptimemesh.agent.control.NodeSigner;
import io.uptimemesh.agent.discovery.Discovery;
import io.uptimemesh.agent.identity.CertificateRenewal;
import io.uptimemesh.agent.identity.IdentityFiles;
import io.uptimemesh.agent.identity.SequenceFile;
import io.uptimemesh.agent.mesh.PathMonitor;
import io.uptimemesh.agent.mesh.Reconciler;
import io.uptimemesh.agent.state.DesiredStateFile;
import io.uptimemesh.agent.status.AgentMetrics;
import io.uptimemesh.agent.status.StatusReport;
import io.uptimemesh.agent.status.StatusServer;
import io.uptimemesh.agent.stream.DesiredStateStream;
import io.uptimemesh.agent.stream.DesiredStateTracker;
import io.uptimemesh.agent.wg.KeyRegistration;
import io.uptimemesh.agent.wg.WgKeyFiles;
import io.uptimemesh.core.config.AgentSettings;
import io.uptimemesh.core.config.AgentSettings.HostPort;
import io.uptimemesh.core.json.Json;
import io.uptimemesh.core.mesh.DesiredState;
import io.uptimemesh.wireguard.failover.FailoverSettings;
import io.uptimemesh.wireguard.failover.MeshPath;
import io.uptimemesh.wireguard.mesh.MeshInterface;
import io.uptimemesh.wireguard.mesh.MeshNetwork;
import io.uptimemesh.wireguard.mesh.MeshObservation;
import io.uptimemesh.wireguard.mesh.MeshTarget;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent ({@code uptimemesh agent}): one verticle whose context runs every loop, so they
 * share state without locks; blocking work ({@code wg}, {@code ip}, files, key generation) runs on
 * workers. Start: identity, WireGuard keys and the persisted desired state are read; the mesh is
 * reconciled from that state at once (the control plane may be down); the status socket and path
 * probes start; the keys are registered, then the desired-state stream opens. Heartbeats,
 * control-plane health checks and certificate renewal run alongside, and service discovery
 * (endpoint probes, health reports, the zone when enabled; {@link Discovery}) starts from its
 * persisted document. Undeploying stops every loop.
 */
public final class Agent extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  private final AgentSettings settings;
  private final MeshNetwork mesh;
  private final Clock clock;
  private final Callable<String> underlayHost;
  private final AgentMetrics metrics = new AgentMetrics();

  private NodeSigner signer;
  private WgKeyFiles keyFiles;
  private WgKeyFiles.Keys keys;
  private DesiredStateFile stateFile;
  private DesiredStateTracker tracker;
  private HostPort primaryEndpoint;
  private HttpClient http;
  private ControlPlaneClient client;
  private ControlPlaneHealth health;
  private Reconciler reconciler;
  private PathMonitor monitor;
  private StatusServer statusServer;
  private KeyRegistration registration;
  private DesiredStateStream stream;
  private HeartbeatLoop heartbeat;
  private CertificateRenewal renewal;
  private Discovery discovery;

  /** LXD workloads (ADR 0014), only when {@code LXD_ENABLED=true}. */
  private io.uptimemesh.agent.workloads.Workloads workloads;

  private long healthTimer = -1;
  private long observeTimer = -1;

  /**
   * The interfaces as last read (handshakes for the heartbeat's {@code paths}): the heartbeat's
   * status is built on the event loop, and reading the interfaces may block, so a timer reads them
   * on a worker and the heartbeat uses the last reading.
   */
  private Optional<MeshObservation> lastObserved = Optional.empty();

  private boolean rotating;
  private boolean stopped;

  /**
   * @param mesh the node's mesh side ({@code LinuxMeshNetwork} in production, a fake in tests)
   * @param underlayHost the primary endpoint's host when the settings name none (blocking: it may
   *     run {@code ip}); called on a worker
   */
  public Agent(
      AgentSettings settings, MeshNetwork mesh, Clock clock, Callable<String> underlayHost) {
    this.settings = settings;
    this.mesh = mesh;
    this.clock = clock;
    this.underlayHost = underlayHost;
  }

  @Override
  public Future<?> start() {
    IdentityFiles identity = new IdentityFiles(settings.identityDir(), settings.nodeId());
    keyFiles = new WgKeyFiles(settings.dataDir());
    stateFile = new DesiredStateFile(settings.dataDir());
    return vertx
        .executeBlocking(
            () -> {
              if (!identity.exists()) {
                throw new IllegalStateException(
                    "no identity for "
                        + settings.nodeId()
                        + " in "
                        + identity.dir()
                        + ": run uptimemesh join first");
              }
              signer = new NodeSigner(settings.nodeId(), identity);
              keys = keyFiles.loadOrCreate();
              primaryEndpoint =
                  settings
                      .primaryEndpoint()
                      .orElseGet(
                          () -> {
                            try {
                              return new HostPort(
                                  underlayHost.call(), UnderlayAddress.DEFAULT_PORT);
                            } catch (Exception e) {
                              throw new IllegalStateException(e.getMessage(), e);
                            }
                          });
              return stateFile.load(settings.nodeId());
            },
            false)
        .compose(this::startLoops);
  }

  private Future<Void> startLoops(Optional<DesiredState> persisted) {
    tracker = new DesiredStateTracker(settings.nodeId(), persisted);
    health = new ControlPlaneHealth(clock);
    http =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setName("uptimemesh-agent")
                .setKeepAlive(true)
                .setConnectTimeout(5_000),
            new PoolOptions().setHttp1MaxSize(4));
    client =
        new ControlPlaneClient(
            http, new ApiUrls(settings.apiUrls()), health, signer, clock, Duration.ofSeconds(10));
    reconciler =
        new Reconciler(
            vertx,
            mesh,
            this::target,
            settings.primaryIface(),
            settings.secondaryIface(),
            clock,
            5_000);
    FailoverSettings failover =
        new FailoverSettings(
            settings.failoverThreshold(),
            settings.failbackStableCount(),
            settings.failbackEnabled(),
            settings.holdDown(),
            (int) Math.min(Integer.MAX_VALUE - 1, settings.primaryMetric()),
            (int) Math.min(Integer.MAX_VALUE, settings.secondaryMetric()));
    monitor =
        new PathMonitor(
            vertx,
            failover,
            clock,
            settings.probePort(),
            settings.probeInterval(),
            settings.probeTimeout(),
            metrics,
            tracker::current,
            reconciler::request);
    health.onChange(reachable -> monitor.controlPlane(reachable));
    // Endpoint reports live on the node's lease: after an outage they may be gone server-side.
    health.onChange(
        reachable -> {
          if (reachable && discovery != null) {
            discovery.reportAgain();
          }
          if (reachable && workloads != null) {
            workloads.reportAgain();
          }
        });
    statusServer =
        new StatusServer(
            vertx, settings.statusSocket(), settings.metricsPort(), this::status, metrics);
    registration = new KeyRegistration(vertx, client, settings.nodeId(), clock);
    stream =
        new DesiredStateStream(
            vertx,
            client,
            tracker,
            settings.nodeId(),
            settings.resync(),
            Backoff.standard(),
            (state, outcome) -> accepted(state, outcome));
    heartbeat =
        new HeartbeatLoop(
            vertx,
            client,
            new SequenceFile(signer.files()),
            settings.nodeId(),
            settings.heartbeatInterval(),
            clock,
            this::heartbeatStatus);
    renewal = new CertificateRenewal(vertx, client, signer, clock);
    discovery =
        new Discovery(
            vertx,
            settings.nodeId(),
            settings.dataDir(),
            settings.discovery(),
            client,
            http,
            settings.resync(),
            () -> tracker.current().map(DesiredState::meshIp),
            clock,
            metrics);
    if (settings.lxd().enabled()) {
      workloads =
          new io.uptimemesh.agent.workloads.Workloads(
              vertx,
              settings.nodeId(),
              settings.dataDir(),
              settings.lxd(),
              client,
              settings.resync(),
              () -> tracker.current().map(DesiredState::meshIp),
              clock);
    }
    // Reports hang on the node's lease: after a gap longer than its TTL they may be gone.
    heartbeat.onResumedAfter(
        settings.heartbeatTtl(),
        () -> {
          discovery.reportAgain();
          if (workloads != null) {
            workloads.reportAgain();
          }
        });
    if (persisted.isPresent()) {
      LOG.info(
          "starting from the persisted desired state of revision {} ({} peers)",
          persisted.get().revision(),
          persisted.get().primaryPeers().size());
      reconciler.request();
    }
    return statusServer
        .start()
        .compose(v -> monitor.start())
        .compose(v -> discovery.start())
        .compose(v -> workloads == null ? Future.<Void>succeededFuture() : workloads.start())
        .onSuccess(
            v -> {
              register(keys);
              heartbeat.start();
              renewal.start();
              healthTimer =
                  vertx.setPeriodic(settings.controlPlaneCheck().toMillis(), id -> checkHealth());
              checkHealth();
              observeTimer =
                  vertx.setPeriodic(
                      settings.heartbeatInterval().toMillis(), id -> observeForHeartbeat());
              observeForHeartbeat();
              LOG.info(
                  "agent {} started: core APIs {}, primary endpoint {}, status socket {}",
                  settings.nodeId(),
                  settings.apiUrls(),
                  primaryEndpoint,
                  settings.statusSocket());
            });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    List<Future<?>> closing = new ArrayList<>();
    if (stream != null) {
      stream.stop();
      registration.stop();
      heartbeat.stop();
      renewal.stop();
      reconciler.stop();
      vertx.cancelTimer(healthTimer);
      vertx.cancelTimer(observeTimer);
      closing.add(monitor.stop());
      closing.add(discovery.stop());
      if (workloads != null) {
        closing.add(workloads.stop());
      }
      closing.add(statusServer.stop());
      closing.add(http.close());
    }
    return Future.join(closing);
  }

  private void register(WgKeyFiles.Keys registering) {
    registration
        .register(registering, primaryEndpoint, settings.secondaryEndpoint())
        .onSuccess(r -> stream.start())
        .onFailure(
            e -> {
              if (e instanceof KeyRegistration.GenerationBehind behind && !stopped) {
                long next = Math.max(behind.stored(), keys.generation()) + 1;
                LOG.warn(
                    "the control plane has newer WireGuard keys than ours: making generation {}",
                    next);
                rotate(next);
              }
            });
  }

  private void rotate(long generation) {
    if (rotating) {
      return;
    }
    rotating = true;
    vertx
        .executeBlocking(() -> keyFiles.rotate(generation), false)
        .onComplete(
            ar -> {
              rotating = false;
              if (ar.failed()) {
                LOG.error("cannot store new WireGuard keys: {}", ar.cause().getMessage());
                return;
              }
              keys = ar.result();
              LOG.info("new WireGuard keys of generation {}", generation);
              registration
                  .register(keys, primaryEndpoint, settings.secondaryEndpoint())
                  .onSuccess(
                      r -> {
                        reconciler.request();
                        stream.start();
                      })
                  .onFailure(
                      e -> {
                        if (e instanceof KeyRegistration.GenerationBehind behind && !stopped) {
                          rotate(Math.max(behind.stored(), generation) + 1);
                        }
                      });
            });
  }

  private void accepted(DesiredState state, DesiredStateTracker.Outcome outcome) {
    vertx
        .executeBlocking(
            () -> {
              stateFile.save(state);
              return null;
            },
            // Ordered: two saves in flight must land in the order the states arrived.
            true)
        .onFailure(e -> LOG.warn("cannot persist the desired state: {}", e.getMessage()));
    if (state.wgKeyGeneration() > keys.generation()) {
      rotate(state.wgKeyGeneration());
      return;
    }
    if (outcome == DesiredStateTracker.Outcome.CHANGED || reconciler.appliedRevision() < 0) {
      reconciler.request();
      discovery.meshAddressChanged();
    }
  }

  private Map<String, Object> heartbeatStatus() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("wireguard", report(lastObserved, Optional.empty()).heartbeatSummary());
    discovery.heartbeatSummary().ifPresent(d -> out.put("discovery", d));
    if (workloads != null) {
      out.put("workloads", workloads.heartbeatSummary());
    }
    return out;
  }

  private void observeForHeartbeat() {
    vertx
        .executeBlocking(mesh::observe, false)
        .onSuccess(o -> lastObserved = Optional.of(o))
        .onFailure(e -> lastObserved = Optional.empty());
  }

  private void checkHealth() {
    client
        .plain(HttpMethod.GET, "/api/v1/cluster/apis")
        .onSuccess(
            r -> {
              if (r.status() != 200) {
                return;
              }
              try {
                JsonNode apis = Json.mapper().readTree(r.text()).path("apis");
                List<URI> learned = new ArrayList<>();
                apis.forEach(a -> learned.add(URI.create(a.asText())));
                if (!learned.isEmpty()) {
                  client.urls().learned(learned);
                }
              } catch (Exception e) {
                LOG.debug("unreadable /api/v1/cluster/apis answer: {}", e.getMessage());
              }
            });
  }

  private Optional<MeshTarget> target() {
    Optional<DesiredState> desired = tracker.current();
    if (desired.isEmpty()) {
      return Optional.empty();
    }
    MeshInterface primary =
        new MeshInterface(
            settings.primaryIface(), keys.primary().privateKey(), primaryEndpoint.port());
    Optional<MeshInterface> secondary =
        settings
            .secondaryEndpoint()
            .map(
                e ->
                    new MeshInterface(
                        settings.secondaryIface(), keys.secondary().privateKey(), e.port()));
    Map<String, MeshPath> active = monitor.activePaths();
    return Optional.of(
        new MeshTarget(
            desired.get(),
            primary,
            secondary,
            active,
            monitor.meshCidrPath(),
            settings.primaryMetric(),
            settings.secondaryMetric()));
  }

  private StatusReport report(Optional<MeshObservation> observed, Optional<String> observeError) {
    Optional<String> lastError = reconciler.lastError().or(health::lastError);
    return new StatusReport(
        settings.nodeId(),
        settings.nodeName(),
        tracker.current(),
        health.inUse(),
        client.urls().all(),
        health.degradedSince(),
        health.lastSuccess(),
        reconciler.appliedRevision(),
        keys.generation(),
        settings.primaryIface(),
        settings.secondaryIface(),
        observed,
        observeError,
        monitor.states(),
        settings.failoverThreshold(),
        lastError,
        clock.instant());
  }

  /** The status document; reads the interfaces on a worker. Call on the agent's context. */
  public Future<Map<String, Object>> status() {
    return vertx
        .executeBlocking(mesh::observe, false)
        .transform(
            ar -> {
              Map<String, Object> out =
                  new LinkedHashMap<>(
                      ar.succeeded()
                          ? report(Optional.of(ar.result()), Optional.empty()).toJson()
                          : report(
                                  Optional.empty(),
                                  Optional.of(String.valueOf(ar.cause().getMessage())))
                              .toJson());
              out.put("discovery", discovery.status());
              if (workloads != null) {
                out.put("workloads", workloads.status());
              }
              return Future.succeededFuture(out);
            });
  }

  /** The control plane's health (tests). */
  public ControlPlaneHealth health() {
    return health;
  }

  public AgentMetrics metrics() {
    return metrics;
  }
}
