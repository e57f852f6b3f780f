package io.uptimemesh.launcher;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.uptimemesh.core.Version;
import io.uptimemesh.core.config.ClusterConfig;
import io.uptimemesh.core.config.RuntimeSettings;
import io.uptimemesh.core.etcd.EtcdMemberSpec;
import io.uptimemesh.etcd.EtcdCallPolicy;
import io.uptimemesh.etcd.EtcdClients;
import io.uptimemesh.etcd.EtcdMetrics;
import io.uptimemesh.etcd.EtcdRuntime;
import io.uptimemesh.etcd.leader.LeaderJob;
import io.uptimemesh.etcd.managed.EtcdProcessLauncher;
import io.uptimemesh.etcd.managed.ManagedEtcd;
import io.uptimemesh.etcd.members.CorePresence;
import io.uptimemesh.etcd.members.EtcdMembers;
import io.uptimemesh.web.ApiServer;
import io.uptimemesh.web.HealthRoutes;
import io.uptimemesh.web.MetricsRegistry;
import io.uptimemesh.web.SystemRoutes;
import io.uptimemesh.web.WriteGuard;
import io.uptimemesh.web.cluster.ClusterModule;
import io.uptimemesh.web.cluster.MembershipRoutes;
import io.uptimemesh.web.idempotency.IdempotencyHandler;
import io.uptimemesh.web.identity.IdentityConfig;
import io.uptimemesh.web.identity.IdentityModule;
import io.uptimemesh.web.identity.IdentityRoutes;
import io.uptimemesh.web.ops.OpsModule;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires one core node together (the only place that does) and runs it: Vert.x with metrics, the
 * managed etcd when no external endpoints are set, the etcd layer, and the HTTP API. Stops in the
 * reverse order on SIGTERM/SIGINT, or when the managed etcd gives up.
 */
final class CoreServer {
  private static final Logger log = LoggerFactory.getLogger(CoreServer.class);

  /** The server could not come up; the message says why. */
  static final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;

    StartupException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Comment lines on idle event streams, so proxies keep them open. */
  private static final Duration EVENT_STREAM_HEARTBEAT = Duration.ofSeconds(15);

  private final Vertx vertx;
  private final ClusterConfig config;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile int exitCode = ExitCodes.OK;
  private ManagedEtcd managedEtcd;
  private Optional<EtcdProcessLauncher.Launched> earlyEtcd = Optional.empty();
  private EtcdProcessLauncher etcdLauncher;
  private EtcdRuntime etcd;
  private Optional<CoreJoin.Plan> joinPlan = Optional.empty();
  private CorePresence presence;

  /** A dead core server disappears from the API list within this. */
  private static final Duration PRESENCE_TTL = Duration.ofSeconds(10);

  private ApiServer api;
  private LeaderWiring leader;
  private io.uptimemesh.web.events.EventRoutes eventRoutes;
  private io.uptimemesh.web.mesh.MeshRoutes meshRoutes;
  private io.uptimemesh.web.discovery.DiscoveryRoutes discoveryRoutes;
  private io.uptimemesh.web.ui.UiModule ui;
  private io.uptimemesh.etcd.events.EventPruner eventPruner;

  private CoreServer(Vertx vertx, ClusterConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  /** Starts everything and returns once the HTTP API listens; blocks the calling thread. */
  static CoreServer start(
      RuntimeSettings settings,
      ClusterConfig config,
      Version version,
      Optional<CoreJoin.Options> join)
      throws StartupException {
    // A new core node joins first: the answer says how its etcd member starts.
    Optional<CoreJoin.Plan> plan =
        join.isPresent() ? CoreJoin.prepare(settings, config, join.get()) : Optional.empty();
    // etcd is the slowest part of a start: fork it first, so it comes up while we build the rest.
    Optional<EtcdProcessLauncher.Launched> early = Optional.empty();
    EtcdProcessLauncher launcher = null;
    if (settings.etcdEndpoints().isEmpty()) {
      launcher = etcdLauncher(settings, config, plan);
      try {
        early = Optional.of(launcher.launch());
      } catch (java.io.IOException e) {
        throw new StartupException("cannot start managed etcd: " + e.getMessage(), e);
      }
    }
    Optional<PrometheusMeterRegistry> registry =
        settings.metricsEnabled() ? Optional.of(MetricsRegistry.create()) : Optional.empty();
    Vertx vertx;
    try {
      vertx = createVertx(registry);
    } catch (RuntimeException e) {
      early.ifPresent(l -> l.process().destroyForcibly());
      throw new StartupException("cannot start Vert.x: " + e.getMessage(), e);
    }
    CoreServer server = new CoreServer(vertx, config);
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> server.shutdownAndWait("signal"), "shutdown"));
    server.earlyEtcd = early;
    server.etcdLauncher = launcher;
    server.joinPlan = plan;
    try {
      server.startAll(settings, version, registry);
    } catch (StartupException e) {
      server.shutdownAndWait("startup failed");
      throw e;
    } catch (RuntimeException | LinkageError e) {
      // A bug, not an operator mistake: still never leave a half-started server running.
      server.shutdownAndWait("startup failed");
      throw new StartupException("unexpected " + e, e);
    }
    return server;
  }

  /** Blocks until the server has stopped; returns the process exit code. */
  int awaitExit() {
    stopped.join();
    return exitCode;
  }

  private void startAll(
      RuntimeSettings settings, Version version, Optional<PrometheusMeterRegistry> registry)
      throws StartupException {
    Optional<ManagedEtcd> managed = Optional.empty();
    List<URI> endpoints = settings.etcdEndpoints();
    Future<Void> managedStarted = Future.succeededFuture();
    if (endpoints.isEmpty()) {
      ManagedEtcd etcdProcess =
          new ManagedEtcd(vertx, etcdLauncher, config.managedEtcd(), Clock.systemUTC());
      earlyEtcd.ifPresent(etcdProcess::adopt);
      managed = Optional.of(etcdProcess);
      this.managedEtcd = etcdProcess; // so a shutdown during startup stops it too
      endpoints = List.of(etcdProcess.clientUrl());
      managedStarted = etcdProcess.start();
      // A joined member is a learner: promote it as soon as it has caught up (while it starts).
      if (joinPlan.isPresent()) {
        managedStarted = Future.all(managedStarted, promote(joinPlan.get())).mapEmpty();
      }
      etcdProcess
          .gaveUp()
          .onSuccess(
              reason -> {
                log.error("{}; stopping the server (exit code {})", reason, ExitCodes.ETCD_GAVE_UP);
                exitCode = ExitCodes.ETCD_GAVE_UP;
                new Thread(() -> shutdownAndWait("managed etcd gave up"), "shutdown-etcd").start();
              });
    } else {
      log.info("using external etcd at {}", endpoints);
    }
    // While etcd starts: build the etcd layer, start probing and listen. Live answers at once,
    // ready turns 200 when etcd does; the server is up about as soon as etcd is.
    etcd =
        EtcdRuntime.connect(
            vertx,
            endpoints,
            settings.etcdPrefix(),
            config.etcdClient(),
            config.etcdHealth(),
            managed);
    etcd.start();
    registry.ifPresent(r -> EtcdMetrics.bind(r, etcd.monitor(), etcd.cache(), etcd.managed()));
    var events =
        new io.uptimemesh.etcd.events.EventLog(
            vertx, etcd.store(), etcd.client().getWatchClient(), Clock.systemUTC());
    etcd.monitor()
        .onResult(new io.uptimemesh.web.WriteGuardEvents(events, hostName(), Clock.systemUTC()));
    eventPruner =
        new io.uptimemesh.etcd.events.EventPruner(events, config.events(), Clock.systemUTC());
    IdentityConfig identityConfig = IdentityWiring.config(settings, config);
    IdentityRoutes identity = IdentityModule.routes(vertx, etcd, identityConfig, events);
    OpsModule ops =
        OpsModule.create(
            vertx,
            etcd,
            OpsWiring.config(settings, config, managed.isPresent()),
            identity.authHandler(),
            events);
    // Leader-only jobs of the modules; the stale sweep is the election's own.
    List<LeaderJob> leaderJobs = new java.util.ArrayList<>(ops.leaderJobs());
    leaderJobs.add(eventPruner);
    var scheduler =
        io.uptimemesh.web.workload.WorkloadModule.schedulerJob(
            vertx, etcd, events, Clock.systemUTC(), settings.scheduler());
    registry.ifPresent(scheduler::bindMetrics);
    leaderJobs.add(scheduler);
    leaderJobs.add(
        io.uptimemesh.web.workload.WorkloadModule.rolloutJob(
            vertx, etcd, events, Clock.systemUTC(), settings.rollout()));
    leader = LeaderWiring.create(vertx, etcd, settings, config, leaderJobs, events);
    leader.start(); // campaigns in the background: never delays readiness
    MembershipRoutes membership =
        new MembershipRoutes(
            etcd,
            identity.authHandler(),
            identity.nodes(),
            () -> leader.election().current().map(l -> l.name()),
            leader.locks());
    eventRoutes =
        new io.uptimemesh.web.events.EventRoutes(
            vertx, events, identity.authHandler(), Clock.systemUTC(), EVENT_STREAM_HEARTBEAT);
    meshRoutes =
        io.uptimemesh.web.mesh.MeshModule.routes(
            vertx,
            etcd,
            identityConfig,
            identity,
            events,
            io.uptimemesh.web.mesh.MeshModule.KEEP_ALIVE);
    discoveryRoutes =
        io.uptimemesh.web.discovery.DiscoveryModule.routes(
            vertx,
            etcd,
            identityConfig,
            identity,
            events,
            new io.uptimemesh.web.discovery.DiscoveryModule.Settings(
                settings.discovery(),
                io.uptimemesh.web.mesh.MeshModule.KEEP_ALIVE,
                settings.workloadGenerationsKept(),
                settings.scheduler()));
    ui =
        new io.uptimemesh.web.ui.UiModule(
            vertx,
            etcd,
            identity,
            settings.appEnv() == io.uptimemesh.core.config.AppEnv.PROD,
            io.uptimemesh.web.ui.UiModule.KEEP_ALIVE);
    api =
        new ApiServer(
            vertx,
            config.http().bodyLimitBytes(),
            new WriteGuard(() -> etcd.monitor().stateNow()),
            new IdempotencyHandler(
                vertx,
                etcd.store(),
                settings.clusterSigningKey().reveal(),
                Clock.systemUTC(),
                identity.sessions()),
            List.of(
                new HealthRoutes(etcd)::addRoutes,
                new SystemRoutes(version, registry)::addRoutes,
                identity::addRoutes,
                membership::addRoutes,
                ClusterModule.routes(
                        vertx,
                        etcd,
                        identityConfig,
                        leader.election(),
                        leader.locks(),
                        leader.pruneAfter())
                    ::addRoutes,
                eventRoutes::addRoutes,
                ops::addRoutes,
                meshRoutes::addRoutes,
                discoveryRoutes::addRoutes,
                ui::addRoutes));
    await(
        api.listen(settings.httpHost(), settings.httpPort()),
        Duration.ofSeconds(10),
        "listen on " + settings.httpHost() + ":" + settings.httpPort());
    await(
        managedStarted,
        config.managedEtcd().startupTimeout().plusSeconds(10),
        "start managed etcd");
    presence =
        new CorePresence(
            vertx,
            etcd.store(),
            new CorePresence.CoreServerRecord(
                LeaderWiring.candidateName(etcd, config),
                settings.advertisedApiUrl().toString(),
                version.app(),
                endpoints.get(0).toString(),
                System.currentTimeMillis()),
            PRESENCE_TTL);
    presence.start();
    // Do not wait for the next probe interval to notice it.
    etcd.monitor().probeNow();
  }

  private static EtcdProcessLauncher etcdLauncher(
      RuntimeSettings settings, ClusterConfig config, Optional<CoreJoin.Plan> plan) {
    var m = config.managedEtcd();
    Path data = settings.dataDir().toAbsolutePath().normalize();
    EtcdMemberSpec spec =
        plan.map(p -> CoreJoin.spec(settings, config, p.initialCluster(), false))
            .orElseGet(() -> CoreJoin.spec(settings, config, java.util.Map.of(), true));
    return new EtcdProcessLauncher(
        settings.etcdCommand(), spec, data.resolve("etcd.pid"), m.stopGrace());
  }

  /** Promotes this node's new member through the members already running. */
  private Future<Void> promote(CoreJoin.Plan plan) {
    io.etcd.jetcd.Client existing =
        EtcdClients.create(plan.clientUrls(), config.etcdClient().requestTimeout());
    EtcdMembers members =
        new EtcdMembers(
            vertx,
            existing.getClusterClient(),
            existing.getMaintenanceClient(),
            new EtcdCallPolicy(vertx, config.etcdClient()));
    return members
        .promoteWhenCaughtUp(plan.memberId(), config.managedEtcd().startupTimeout())
        .onSuccess(v -> log.info("etcd member {} promoted to a voting member", plan.memberIdHex()))
        .eventually(
            () ->
                vertx.executeBlocking(
                    () -> {
                      existing.close();
                      return null;
                    }));
  }

  /**
   * Stops the HTTP API (requests in flight get the configured grace), then the etcd layer and the
   * managed etcd, then Vert.x. Runs once; later calls wait for the first. Every step is bounded.
   *
   * <p>Runs on a plain thread (the JVM's shutdown hook, or the crash-budget thread) and waits
   * there: a callback on a Vert.x context would never run once Vert.x is closed.
   */
  void shutdownAndWait(String why) {
    if (!stopping.compareAndSet(false, true)) {
      awaitQuietly(stopped, shutdownBudget().plusSeconds(5), "the first shutdown");
      return;
    }
    log.info("shutting down ({})", why);
    if (eventRoutes != null) {
      // Followers see their stream end, not break, and reconnect (elsewhere) where they were.
      eventRoutes.closeStreams();
    }
    if (meshRoutes != null) {
      // Agents see their desired-state stream end and resume on another core node.
      meshRoutes.hub().closeStreams();
    }
    if (discoveryRoutes != null) {
      discoveryRoutes.hub().closeStreams();
      discoveryRoutes.nodeWorkloads().closeStreams();
    }
    if (ui != null) {
      ui.closeStreams(); // browsers reconnect (to this address, once it is back)
    }
    Future<Void> apiStopped =
        api == null ? Future.succeededFuture() : api.shutdown(config.http().shutdownGrace());
    // Meanwhile leader jobs stop and this node resigns, while etcd still answers: another core
    // node takes over at once instead of after the election TTL. Bounded by a few seconds.
    Future<Void> resigned = leader != null ? leader.stop() : Future.succeededFuture();
    Future<Void> withdrawn = presence != null ? presence.stop() : Future.succeededFuture();
    Future<Void> serving =
        Future.join(apiStopped, resigned, withdrawn)
            .transform(v -> etcd != null ? etcd.stop() : stopManagedEtcd());
    awaitQuietly(serving.toCompletionStage().toCompletableFuture(), shutdownBudget(), "stopping");
    awaitQuietly(
        vertx.close().toCompletionStage().toCompletableFuture(),
        Duration.ofSeconds(5),
        "closing Vert.x");
    log.info("stopped");
    // On SIGTERM the JVM halts as soon as this hook returns: drain the log queue first.
    LoggingSetup.flush();
    stopped.complete(null);
  }

  private Duration shutdownBudget() {
    return config.http().shutdownGrace().plus(config.managedEtcd().stopGrace()).plusSeconds(2);
  }

  private static void awaitQuietly(CompletableFuture<?> future, Duration timeout, String what) {
    try {
      future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn(
          "{} did not finish cleanly within {} s: {}", what, timeout.toSeconds(), e.toString());
    }
  }

  /** Before the etcd layer exists only the process needs stopping. */
  private Future<Void> stopManagedEtcd() {
    return managedEtcd == null ? Future.succeededFuture() : managedEtcd.stop();
  }

  private static <T> T await(Future<T> future, Duration timeout, String what)
      throws StartupException {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new StartupException("cannot " + what + ": " + cause.getMessage(), cause);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new StartupException(
          "cannot " + what + ": no answer within " + timeout.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException("interrupted while trying to " + what, e);
    }
  }

  private static Vertx createVertx(Optional<PrometheusMeterRegistry> registry) {
    if (registry.isEmpty()) {
      return Vertx.vertx();
    }
    MicrometerMetricsOptions metrics =
        new MicrometerMetricsOptions()
            .setEnabled(true)
            .setJvmMetricsEnabled(true)
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
            // Route templates, not raw paths: bounded label cardinality.
            .addLabels(Label.HTTP_ROUTE);
    return Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory(registry.get()))
        .build();
  }

  /** This machine's name for events; never blocks long (a local lookup, once at start). */
  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "unknown-host";
    }
  }
}
