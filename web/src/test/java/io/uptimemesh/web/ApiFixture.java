package io.uptimemesh.web;

import io.uptimemesh.core.Version;
import io.uptimemesh.core.config.EtcdClientConfig;
import io.uptimemesh.core.config.EtcdHealthConfig;
import io.uptimemesh.etcd.EtcdRuntime;
import io.uptimemesh.testkit.Await;
import io.uptimemesh.web.idempotency.IdempotencyHandler;
import io.uptimemesh.web.identity.IdentityConfig;
import io.uptimemesh.web.identity.IdentityModule;
import io.uptimemesh.web.ops.OpsConfig;
import io.uptimemesh.web.ops.OpsModule;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * A core node's HTTP stack as the server wires it (etcd layer, write guard, health, system and
 * optionally identity and etcd-operations routes) over real etcd members, on a free port, with a
 * client for it, and ready when returned. Each fixture uses its own key prefix, so tests sharing an
 * etcd do not see each other's keys.
 */
public final class ApiFixture implements AutoCloseable {
  public final Vertx vertx;
  public final EtcdRuntime runtime;
  public final ApiServer api;
  public final WebClient http;

  /** The event log every fixture records into; its routes are mounted with identity's. */
  public final io.uptimemesh.etcd.events.EventLog events;

  /** The event routes, or null without identity (they need its login check). */
  public final io.uptimemesh.web.events.EventRoutes eventRoutes;

  /** The mesh routes (WireGuard registration, desired state), or null without identity. */
  public final io.uptimemesh.web.mesh.MeshRoutes mesh;

  /** The discovery routes (services, endpoints, health, documents), or null without identity. */
  public final io.uptimemesh.web.discovery.DiscoveryRoutes discovery;

  /** The port the API listens on (127.0.0.1). */
  public final int port;

  /** Keep-alive comments on event streams come this often in tests. */
  public static final Duration EVENT_HEARTBEAT = Duration.ofMillis(500);

  private ApiFixture(
      Vertx vertx,
      EtcdRuntime runtime,
      ApiServer api,
      WebClient http,
      io.uptimemesh.etcd.events.EventLog events,
      io.uptimemesh.web.events.EventRoutes eventRoutes,
      io.uptimemesh.web.mesh.MeshRoutes mesh,
      io.uptimemesh.web.discovery.DiscoveryRoutes discovery,
      int port) {
    this.port = port;
    this.discovery = discovery;
    this.mesh = mesh;
    this.vertx = vertx;
    this.runtime = runtime;
    this.api = api;
    this.http = http;
    this.events = events;
    this.eventRoutes = eventRoutes;
  }

  /**
   * Starts the stack.
   *
   * @param bodyLimitBytes the HTTP body limit
   * @param identity the identity settings to mount its routes with, or empty for none
   */
  public static ApiFixture start(
      List<URI> endpoints, long bodyLimitBytes, Optional<IdentityConfig> identity) {
    return start(endpoints, bodyLimitBytes, identity, List.of());
  }

  /**
   * The cluster routes (leader, node pruning) as the server mounts them, over an election with a 2
   * s TTL and cluster locks; {@code onElection} gets the election (to start it, or not).
   */
  public static BiFunction<Vertx, EtcdRuntime, Consumer<Router>> clusterRoutes(
      IdentityConfig identity,
      Duration pruneAfter,
      Consumer<io.uptimemesh.etcd.leader.LeaderElection> onElection) {
    return (vertx, runtime) -> {
      var election =
          new io.uptimemesh.etcd.leader.LeaderElection(
              vertx,
              runtime.client(),
              runtime.store(),
              Duration.ofSeconds(2),
              new io.uptimemesh.etcd.leader.LeaderCandidate("core-it", "http://127.0.0.1:8010", 1L),
              Clock.systemUTC());
      onElection.accept(election);
      return io.uptimemesh.web.cluster.ClusterModule.routes(
              vertx, runtime, identity, election, clusterLock(vertx, runtime), pruneAfter)
          ::addRoutes;
    };
  }

  /** Cluster locks with a 2 s lease, as tests use them. */
  public static io.uptimemesh.etcd.leader.ClusterLock clusterLock(
      Vertx vertx, EtcdRuntime runtime) {
    return new io.uptimemesh.etcd.leader.ClusterLock(
        vertx, runtime.client(), runtime.store(), Duration.ofSeconds(2), Duration.ofSeconds(2));
  }

  /**
   * Starts the stack with more routes, built over the fixture's Vert.x and etcd layer.
   *
   * @param more each yields routes to mount after the identity routes
   */
  public static ApiFixture start(
      List<URI> endpoints,
      long bodyLimitBytes,
      Optional<IdentityConfig> identity,
      List<BiFunction<Vertx, EtcdRuntime, Consumer<Router>>> more) {
    return start(endpoints, bodyLimitBytes, identity, more, Clock.systemUTC());
  }

  /** As above, with the clock the idempotency handler reads (tests move it by hand). */
  public static ApiFixture start(
      List<URI> endpoints,
      long bodyLimitBytes,
      Optional<IdentityConfig> identity,
      List<BiFunction<Vertx, EtcdRuntime, Consumer<Router>>> more,
      Clock idempotencyClock) {
    Vertx vertx = Vertx.vertx();
    EtcdRuntime runtime = connect(vertx, endpoints, "/it-");
    List<Consumer<Router>> routes = new ArrayList<>();
    routes.add(new HealthRoutes(runtime)::addRoutes);
    routes.add(new SystemRoutes(Version.current(), Optional.empty())::addRoutes);
    io.uptimemesh.etcd.events.EventLog events =
        new io.uptimemesh.etcd.events.EventLog(
            vertx, runtime.store(), runtime.client().getWatchClient(), Clock.systemUTC());
    runtime.monitor().onResult(new WriteGuardEvents(events, "fixture", Clock.systemUTC()));
    io.uptimemesh.web.events.EventRoutes eventRoutes = null;
    io.uptimemesh.web.mesh.MeshRoutes mesh = null;
    io.uptimemesh.web.discovery.DiscoveryRoutes discovery = null;
    java.util.function.Function<String, Optional<String>> sessions = token -> Optional.empty();
    if (identity.isPresent()) {
      var identityRoutes = IdentityModule.routes(vertx, runtime, identity.get(), events);
      sessions = identityRoutes.sessions();
      routes.add(identityRoutes::addRoutes);
      eventRoutes =
          new io.uptimemesh.web.events.EventRoutes(
              vertx, events, identityRoutes.authHandler(), Clock.systemUTC(), EVENT_HEARTBEAT);
      routes.add(eventRoutes::addRoutes);
      routes.add(
          OpsModule.create(vertx, runtime, opsConfig(), identityRoutes.authHandler(), events)
              ::addRoutes);
      mesh =
          io.uptimemesh.web.mesh.MeshModule.routes(
              vertx, runtime, identity.get(), identityRoutes, events, EVENT_HEARTBEAT);
      routes.add(mesh::addRoutes);
      discovery =
          io.uptimemesh.web.discovery.DiscoveryModule.routes(
              vertx,
              runtime,
              identity.get(),
              identityRoutes,
              events,
              io.uptimemesh.web.discovery.DiscoveryModule.Settings.defaults(EVENT_HEARTBEAT));
      routes.add(discovery::addRoutes);
      routes.add(
          new io.uptimemesh.web.ui.UiModule(vertx, runtime, identityRoutes, false, EVENT_HEARTBEAT)
              ::addRoutes);
    }
    more.forEach(m -> routes.add(m.apply(vertx, runtime)));
    ApiServer api =
        new ApiServer(
            vertx,
            bodyLimitBytes,
            new WriteGuard(() -> runtime.monitor().stateNow()),
            new IdempotencyHandler(
                vertx,
                runtime.store(),
                identity.map(IdentityConfig::signingKey).orElse("fixture-signing-key"),
                idempotencyClock,
                sessions),
            routes);
    int port = Await.result(api.listen("127.0.0.1", 0)).actualPort();
    WebClient http =
        WebClient.create(
            vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    // Ready before the test starts: until the first probe the write guard refuses writes.
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> Await.result(http.get("/health/ready").send()).statusCode() == 200);
    return new ApiFixture(vertx, runtime, api, http, events, eventRoutes, mesh, discovery, port);
  }

  /**
   * The etcd layer as tests connect it (2 s deadlines, fast health probes), under a key prefix of
   * its own starting with {@code stem}, started.
   */
  public static EtcdRuntime connect(Vertx vertx, List<URI> endpoints, String stem) {
    EtcdRuntime runtime =
        EtcdRuntime.connect(
            vertx,
            endpoints,
            stem + UUID.randomUUID().toString().substring(0, 8),
            new EtcdClientConfig(Duration.ofSeconds(2), 2, Duration.ofMillis(50)),
            new EtcdHealthConfig(
                Duration.ofMillis(200),
                Duration.ofMillis(500),
                Duration.ofMillis(1000),
                Duration.ofMillis(3000)),
            Optional.empty());
    runtime.start();
    return runtime;
  }

  /** Identity settings for tests: a signing key of their own and the given liveness TTL. */
  public static IdentityConfig identityConfig(Duration heartbeatTtl) {
    return new IdentityConfig(
        Duration.ofDays(3650),
        Duration.ofDays(30),
        Duration.ofSeconds(30),
        heartbeatTtl,
        Duration.ofHours(1),
        Duration.ofHours(1),
        "10.42.0.0/16",
        "it-signing-key-0123456789abcdefghijklmnop",
        Clock.systemUTC());
  }

  /** Etcd operations over a snapshot directory of the fixture's own; no schedule. */
  public static OpsConfig opsConfig() {
    try {
      return new OpsConfig(
          java.nio.file.Files.createTempDirectory("uptimemesh-snapshots-"),
          3,
          "etcd",
          "fixture",
          Duration.ofMinutes(2),
          Duration.ZERO,
          Clock.systemUTC());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (eventRoutes != null) {
      eventRoutes.closeStreams();
    }
    if (mesh != null) {
      mesh.hub().closeStreams();
    }
    if (discovery != null) {
      discovery.hub().closeStreams();
      discovery.nodeWorkloads().closeStreams();
    }
    Await.result(api.shutdown(Duration.ofSeconds(1)));
    Await.result(runtime.stop());
    Await.result(vertx.close());
  }
}
