package io.uptimemesh.web.mesh;

import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.events.EventCategory;
import io.uptimemesh.core.events.Events;
import io.uptimemesh.core.identity.NodeRecord;
import io.uptimemesh.core.mesh.WireGuardRegistration;
import io.uptimemesh.core.mesh.WireGuardRotation;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.IdempotencyClaim;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.Versioned;
import io.uptimemesh.etcd.WatchCache;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * {@code nodes rotate-wg-keys}: raises a node's desired WireGuard key generation to one above both
 * the requested and the registered one. The stream carries it to the agent, which makes new keys
 * and registers them with that generation; its peers then get the new public keys.
 */
public final class WireGuardRotations {
  private static final Duration READ_YOUR_WRITES = Duration.ofSeconds(5);

  private final EtcdStore store;
  private final WatchCache cache;
  private final Events events;
  private final Clock clock;

  public WireGuardRotations(EtcdStore store, WatchCache cache, Events events, Clock clock) {
    this.store = store;
    this.cache = cache;
    this.events = events;
    this.clock = clock;
  }

  /**
   * Requests a rotation.
   *
   * @param actor who asks (event log)
   * @return the new desired generation; 404 for an unknown node, 409 for a revoked one
   */
  public Future<Long> rotate(String nodeId, String actor, IdempotencyClaim claim) {
    KeyLayout keys = store.layout();
    Future<Optional<Versioned<NodeRecord>>> node = store.get(keys.node(nodeId), NodeRecord.class);
    Future<Optional<Versioned<WireGuardRegistration>>> registered =
        store.get(keys.nodeWireGuard(nodeId), WireGuardRegistration.class);
    Future<Optional<Versioned<WireGuardRotation>>> rotation =
        store.get(keys.nodeWgRotation(nodeId), WireGuardRotation.class);
    return Future.all(node, registered, rotation)
        .compose(
            all -> {
              if (node.result().isEmpty()) {
                throw UptimeMeshException.notFound("no node " + nodeId);
              }
              if (node.result().get().value().revoked()) {
                throw UptimeMeshException.conflict("node " + nodeId + " is revoked");
              }
              long current =
                  Math.max(
                      registered.result().map(v -> v.value().keyGeneration()).orElse(0L),
                      rotation.result().map(v -> v.value().keyGeneration()).orElse(0L));
              long next = current + 1;
              var tx =
                  store
                      .transaction()
                      .requireModRevision(keys.node(nodeId), node.result().get().modRevision());
              tx =
                  rotation.result().isPresent()
                      ? tx.requireModRevision(
                          keys.nodeWgRotation(nodeId), rotation.result().get().modRevision())
                      : tx.requireAbsent(keys.nodeWgRotation(nodeId));
              return tx.put(
                      keys.nodeWgRotation(nodeId),
                      new WireGuardRotation(
                          WireGuardRotation.SCHEMA, nodeId, next, clock.millis(), actor))
                  .claim(claim)
                  .commit("request a WireGuard key rotation of " + nodeId)
                  .compose(
                      rev -> {
                        if (rev.isEmpty()) {
                          throw UptimeMeshException.conflict(
                              "node " + nodeId + " changed meanwhile; try again");
                        }
                        events.info(
                            EventCategory.NODE,
                            "wireguard_rotation_requested",
                            actor,
                            Map.of("node_id", nodeId, "key_generation", Long.toString(next)));
                        return cache.awaitRevision(rev.get(), READ_YOUR_WRITES).map(v -> next);
                      });
            });
  }
}
