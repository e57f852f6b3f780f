package io.uptimemesh.etcd;

import io.etcd.jetcd.Client;
import io.uptimemesh.core.config.EtcdClientConfig;
import io.uptimemesh.core.config.EtcdHealthConfig;
import io.uptimemesh.etcd.managed.ManagedEtcd;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The etcd layer of one core node, assembled: client, typed store, watch cache, health monitor and,
 * when managed, the etcd process. The server wires it once; the HTTP layer reads it.
 */
public final class EtcdRuntime {
  private static final Logger log = LoggerFactory.getLogger(EtcdRuntime.class);

  private final List<URI> endpoints;
  private final Client client;
  private final EtcdStore store;
  private final WatchCache cache;
  private final EtcdHealthMonitor monitor;
  private final Optional<ManagedEtcd> managed;
  private final Duration staleAfter;
  private final io.uptimemesh.etcd.members.EtcdMembers members;

  public EtcdRuntime(
      List<URI> endpoints,
      Client client,
      EtcdStore store,
      WatchCache cache,
      EtcdHealthMonitor monitor,
      Optional<ManagedEtcd> managed,
      Duration staleAfter,
      io.uptimemesh.etcd.members.EtcdMembers members) {
    this.endpoints = List.copyOf(endpoints);
    this.client = client;
    this.store = store;
    this.cache = cache;
    this.monitor = monitor;
    this.managed = managed;
    this.staleAfter = staleAfter;
    this.members = members;
    // The cache may have missed events while etcd did not answer: resync when it answers again.
    monitor.onResult(
        h -> {
          if (h.reachable()) {
            cache.etcdReachable();
          } else {
            cache.etcdUnreachable();
          }
        });
  }

  /**
   * Assembles the layer for {@code endpoints} (not started yet).
   *
   * @param managed the managed etcd serving those endpoints, if this server runs one
   */
  public static EtcdRuntime connect(
      Vertx vertx,
      List<URI> endpoints,
      String prefix,
      EtcdClientConfig clientConfig,
      EtcdHealthConfig healthConfig,
      Optional<ManagedEtcd> managed) {
    Client client = EtcdClients.create(endpoints, clientConfig.requestTimeout());
    KeyLayout layout = new KeyLayout(prefix);
    EtcdCallPolicy calls = new EtcdCallPolicy(vertx, clientConfig);
    EtcdStore store = new EtcdStore(client.getKVClient(), client.getLeaseClient(), layout, calls);
    WatchCache cache = new WatchCache(vertx, client.getWatchClient(), store);
    EtcdHealthMonitor monitor =
        new EtcdHealthMonitor(
            vertx,
            client.getKVClient(),
            layout,
            endpoints,
            healthConfig,
            clientConfig.requestTimeout(),
            Clock.systemUTC());
    return new EtcdRuntime(
        endpoints,
        client,
        store,
        cache,
        monitor,
        managed,
        healthConfig.staleAfter(),
        new io.uptimemesh.etcd.members.EtcdMembers(
            vertx, client.getClusterClient(), client.getMaintenanceClient(), calls));
  }

  /** Starts the health monitor and the watch cache; returns at once. */
  public void start() {
    monitor.start();
    cache.start();
  }

  /**
   * Closes watches, probes and the client, then stops the managed etcd if there is one.
   *
   * @return completes when everything is closed; never fails (failures are logged)
   */
  public Future<Void> stop() {
    return Future.join(cache.stop(), monitor.stop())
        .transform(
            ar -> {
              try {
                client.close();
              } catch (RuntimeException e) {
                log.warn("closing etcd client failed: {}", e.getMessage());
              }
              return managed.map(ManagedEtcd::stop).orElse(Future.succeededFuture());
            })
        .recover(
            t -> {
              log.warn("etcd layer did not stop cleanly: {}", t.getMessage());
              return Future.succeededFuture();
            });
  }

  /**
   * The jetcd client, for the etcd module's own services that the typed store does not cover
   * (election, locks, maintenance, members). Calls through it must still carry a deadline.
   */
  public Client client() {
    return client;
  }

  /** The etcd cluster's membership, through this node's client. */
  public io.uptimemesh.etcd.members.EtcdMembers members() {
    return members;
  }

  public EtcdStore store() {
    return store;
  }

  public WatchCache cache() {
    return cache;
  }

  public EtcdHealthMonitor monitor() {
    return monitor;
  }

  public Optional<ManagedEtcd> managed() {
    return managed;
  }

  /**
   * A consistent read of the layer's state; cheap, never blocks.
   *
   * <p>Ready means: quorum answered within twice the stale threshold, the watch cache is synced or
   * resyncing for less than that, and, when this server runs its own member, that process is up.
   * Readiness is more patient than the write guard on purpose: while etcd elects a new leader (1–2
   * s in which no write can commit), writes are refused with 503 and Retry-After, but the node
   * stays in its load balancer's pool and keeps serving reads. A dead local member makes a node
   * unready at once.
   */
  public EtcdStatus status() {
    CacheSnapshot snapshot = cache.snapshot();
    EtcdHealth health = monitor.current();
    boolean managedUp = managed.map(m -> m.state() == ManagedEtcd.State.RUNNING).orElse(true);
    Duration patience = staleAfter.multipliedBy(2);
    boolean quorumRecently =
        health.lastGoodProbe() != null
            && health.state() != io.uptimemesh.core.etcd.EtcdHealthState.DOWN
            && Duration.between(health.lastGoodProbe(), java.time.Instant.now()).compareTo(patience)
                < 0;
    boolean ready = managedUp && quorumRecently && cache.fresh(patience);
    return new EtcdStatus(
        ready,
        health,
        endpoints.stream().map(URI::toString).toList(),
        cache.synced(),
        snapshot.revision(),
        snapshot.size(),
        managed.isPresent(),
        managed.map(ManagedEtcd::state).orElse(null),
        managed.map(ManagedEtcd::pid).orElse(OptionalLong.empty()),
        managed.map(ManagedEtcd::restarts).orElse(0));
  }
}
