package io.uptimemesh.web.identity;

import io.uptimemesh.core.events.EventCategory;
import io.uptimemesh.core.events.EventLevel;
import io.uptimemesh.core.events.Events;
import io.uptimemesh.core.heartbeat.Heartbeat;
import io.uptimemesh.core.heartbeat.HeartbeatRejected;
import io.uptimemesh.core.heartbeat.HeartbeatVerifier;
import io.uptimemesh.core.heartbeat.RejectReason;
import io.uptimemesh.core.identity.AliveRecord;
import io.uptimemesh.core.identity.NodeStatusRecord;
import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.WatchCache;
import io.vertx.core.Future;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Accepts signed heartbeats. The verification reads only memory (watch cache, decoded
 * certificates); an accepted heartbeat renews the node's liveness lease with a keep-alive, which is
 * not a Raft write, and writes the status document only when the status changed. So the steady
 * state costs etcd no writes at all.
 *
 * <p>The last accepted sequence number is kept per core node in memory and seeded from the last
 * status document; a replay sent to another core node is still bounded by the skew window.
 */
public final class HeartbeatService {
  /** What the node is told. */
  public record Accepted(String nodeId, long seq, long leaseTtlSeconds) {}

  private final EtcdStore store;
  private final WatchCache cache;
  private final ClusterAuthority authority;
  private final IdentityConfig config;
  private final NodeCredentialsIndex credentials;
  private final Events events;
  private final Map<String, Long> leases = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Object>> lastStatus = new ConcurrentHashMap<>();
  private volatile HeartbeatVerifier verifier;
  private volatile X509Certificate verifierCa;

  public HeartbeatService(
      EtcdStore store, WatchCache cache, ClusterAuthority authority, IdentityConfig config) {
    this(store, cache, authority, config, Events.NONE);
  }

  /** The same, recording path failovers and failbacks the statuses report in {@code events}. */
  public HeartbeatService(
      EtcdStore store,
      WatchCache cache,
      ClusterAuthority authority,
      IdentityConfig config,
      Events events) {
    this.events = events;
    this.store = store;
    this.cache = cache;
    this.authority = authority;
    this.config = config;
    this.credentials = new NodeCredentialsIndex(store, cache);
  }

  IdentityConfig config() {
    return config;
  }

  /** The fingerprint lookup this service verifies with; renewals share it. */
  NodeCredentialsIndex credentials() {
    return credentials;
  }

  /**
   * Verifies and applies one heartbeat.
   *
   * @return what was accepted; fails with {@link HeartbeatRejected} (401 with a reason), 409 if the
   *     cluster is not bootstrapped, 503 if etcd cannot renew the lease
   */
  public Future<Accepted> accept(byte[] body, String signature, String fingerprint) {
    Heartbeat hb;
    try {
      hb =
          verifier()
              .verify(
                  body,
                  signature,
                  fingerprint,
                  credentials::byFingerprint,
                  config.clock().instant());
      claimSequence(hb);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return keepAlive(hb.nodeId())
        .compose(v -> writeStatusIfChanged(hb))
        .map(v -> new Accepted(hb.nodeId(), hb.seq(), config.heartbeatTtl().toSeconds()));
  }

  /** Forgets what this core node remembers of a node (after revocation or replacement). */
  public void forget(String nodeId) {
    credentials.forget(nodeId);
    leases.remove(nodeId);
    lastStatus.remove(nodeId);
  }

  private HeartbeatVerifier verifier() {
    X509Certificate ca = authority.certificate();
    if (ca != verifierCa) {
      verifier = new HeartbeatVerifier(ca, config.heartbeatMaxSkew());
      verifierCa = ca;
    }
    return verifier;
  }

  /** Two copies of one heartbeat arriving together: exactly one passes. */
  private void claimSequence(Heartbeat hb) {
    if (!credentials.claim(hb.nodeId(), hb.seq())) {
      throw new HeartbeatRejected(
          RejectReason.REPLAY, "sequence " + hb.seq() + " is not above the last accepted one");
    }
  }

  private Future<Void> keepAlive(String nodeId) {
    Long lease = leases.get(nodeId);
    if (lease == null) {
      // Granted by another core node, or by this one before a restart: the alive key knows it.
      lease =
          cache
              .snapshot()
              .get(store.layout().alive(nodeId))
              .map(CacheSnapshot.Entry::lease)
              .filter(l -> l != 0)
              .orElse(null);
    }
    if (lease == null) {
      return grant(nodeId);
    }
    long id = lease;
    return store
        .keepAlive(id)
        .compose(
            alive -> {
              if (alive) {
                leases.put(nodeId, id);
                return Future.succeededFuture();
              }
              return grant(nodeId); // it expired: the node was stale and is back
            });
  }

  private Future<Void> grant(String nodeId) {
    return store
        .grantLease(config.heartbeatTtl())
        .compose(
            lease ->
                store
                    .transaction()
                    .put(
                        store.layout().alive(nodeId),
                        new AliveRecord(nodeId, config.clock().millis()),
                        lease)
                    .commit("mark " + nodeId + " alive")
                    .compose(
                        r -> {
                          leases.put(nodeId, lease);
                          // A transition (stale to alive): let the next read here see it.
                          return cache.awaitRevision(r.orElse(0L), IdentityConfig.READ_YOUR_WRITES);
                        }));
  }

  private Future<Void> writeStatusIfChanged(Heartbeat hb) {
    Map<String, Object> before = lastStatus.get(hb.nodeId());
    if (before == null) {
      before = storedStatus(hb.nodeId());
    }
    if (hb.status().equals(before)) {
      return Future.succeededFuture();
    }
    // Switches are counted against what is stored (another core node may have taken the node's
    // heartbeats meanwhile), so a switch already recorded there is not recorded again here.
    Map<String, Object> stored = storedStatus(hb.nodeId());
    Map<String, Object> previous = stored != null ? stored : before;
    NodeStatusRecord record =
        new NodeStatusRecord(hb.nodeId(), hb.seq(), hb.status(), hb.sentAtMs());
    return store
        .put(store.layout().nodeStatus(hb.nodeId()), record)
        .compose(
            rev -> {
              lastStatus.put(hb.nodeId(), hb.status());
              recordSwitches(hb, previous);
              return cache.awaitRevision(rev, IdentityConfig.READ_YOUR_WRITES);
            });
  }

  private Map<String, Object> storedStatus(String nodeId) {
    return cache
        .snapshot()
        .get(store.layout().nodeStatus(nodeId))
        .map(e -> store.decode(e, NodeStatusRecord.class).value().status())
        .orElse(null);
  }

  /**
   * Only the core node that wrote the new status records its switches, once: another core node sees
   * the status arrive through its watch cache but records nothing.
   */
  private void recordSwitches(Heartbeat hb, Map<String, Object> previous) {
    for (PathEvents.Switch s : PathEvents.between(previous, hb.status())) {
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put("node_id", hb.nodeId());
      fields.put("peer_id", s.peer());
      fields.put("from", s.from());
      fields.put("to", s.to());
      if (s.at() != null) {
        fields.put("switched_at", s.at());
      }
      EventLevel level =
          s.name().equals(PathEvents.FAILOVER) ? EventLevel.WARNING : EventLevel.INFO;
      // Stamped with when the agent switched (not when the next heartbeat told us), unless that
      // time is unreadable or ahead of this core node's clock.
      long now = config.clock().millis();
      long at = switchedAtMs(s.at()).filter(t -> t <= now).orElse(now);
      events.recordAt(at, EventCategory.NODE, s.name(), level, Events.node(hb.nodeId()), fields);
    }
  }

  private static java.util.Optional<Long> switchedAtMs(String at) {
    try {
      return at == null
          ? java.util.Optional.empty()
          : java.util.Optional.of(java.time.Instant.parse(at).toEpochMilli());
    } catch (java.time.format.DateTimeParseException e) {
      return java.util.Optional.empty();
    }
  }
}
