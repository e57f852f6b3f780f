package io.uptimemesh.web.identity;

import io.uptimemesh.core.heartbeat.NodeCredentials;
import io.uptimemesh.core.identity.NodeRecord;
import io.uptimemesh.core.identity.NodeRef;
import io.uptimemesh.core.identity.NodeStatusRecord;
import io.uptimemesh.core.pki.Pem;
import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.WatchCache;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the node behind a certificate fingerprint, from the watch cache, with certificates parsed
 * once per node revision: the lookup of every signed request (heartbeats, renewals) costs no etcd
 * call and no PEM parsing in the steady state. Also keeps the last accepted heartbeat sequence of
 * each node this core node has seen.
 */
final class NodeCredentialsIndex {
  private record Decoded(long modRevision, NodeRecord node, X509Certificate cert) {}

  private final EtcdStore store;
  private final WatchCache cache;
  private final Map<String, Decoded> decoded = new ConcurrentHashMap<>();
  private final Map<String, Long> lastSeq = new ConcurrentHashMap<>();

  NodeCredentialsIndex(EtcdStore store, WatchCache cache) {
    this.store = store;
    this.cache = cache;
  }

  /** The node whose current certificate has {@code fingerprint}; empty for anything else. */
  Optional<NodeCredentials> byFingerprint(String fingerprint) {
    KeyLayout keys = store.layout();
    CacheSnapshot snapshot = cache.snapshot();
    Optional<CacheSnapshot.Entry> ref;
    try {
      ref = snapshot.get(keys.fingerprint(fingerprint));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // not even a valid key segment
    }
    if (ref.isEmpty()) {
      return Optional.empty();
    }
    String nodeId = store.decode(ref.get(), NodeRef.class).value().nodeId();
    Optional<CacheSnapshot.Entry> nodeEntry = snapshot.get(keys.node(nodeId));
    if (nodeEntry.isEmpty()) {
      return Optional.empty();
    }
    Decoded d = decoded.get(nodeId);
    if (d == null || d.modRevision() != nodeEntry.get().modRevision()) {
      NodeRecord node = store.decode(nodeEntry.get(), NodeRecord.class).value();
      d =
          new Decoded(
              nodeEntry.get().modRevision(), node, Pem.parseCertificate(node.certificatePem()));
      decoded.put(nodeId, d);
    }
    if (!d.node().certFingerprint().equals(fingerprint)) {
      return Optional.empty(); // an older certificate of a renewed or replaced node
    }
    return Optional.of(
        new NodeCredentials(
            nodeId,
            d.cert(),
            d.cert().getPublicKey(),
            d.node().revoked(),
            lastSeq(nodeId, snapshot)));
  }

  /**
   * Records {@code seq} as accepted for {@code nodeId}.
   *
   * @return false if an equal or higher sequence was accepted meanwhile (a concurrent replay)
   */
  boolean claim(String nodeId, long seq) {
    long[] previous = {Long.MIN_VALUE};
    lastSeq.merge(
        nodeId,
        seq,
        (old, s) -> {
          previous[0] = old;
          return Math.max(old, s);
        });
    return previous[0] < seq;
  }

  void forget(String nodeId) {
    decoded.remove(nodeId);
    lastSeq.remove(nodeId);
  }

  private long lastSeq(String nodeId, CacheSnapshot snapshot) {
    Long known = lastSeq.get(nodeId);
    if (known != null) {
      return known;
    }
    return snapshot
        .get(store.layout().nodeStatus(nodeId))
        .map(e -> store.decode(e, NodeStatusRecord.class).value().seq())
        .orElse(0L);
  }
}
