package io.uptimemesh.web.workload;

import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.events.EventCategory;
import io.uptimemesh.core.events.Events;
import io.uptimemesh.core.identity.NodeIds;
import io.uptimemesh.core.identity.NodeRecord;
import io.uptimemesh.core.workload.NodeScheduling;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.EtcdTransaction;
import io.uptimemesh.etcd.IdempotencyClaim;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.Versioned;
import io.uptimemesh.etcd.WatchCache;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Cordons, uncordons and drains nodes ({@code node-scheduling/{id}}). The scheduler reads the
 * record: a cordoned node gets no new replicas, a draining one has its replicas moved away. Asking
 * for the state a node is in already writes nothing and keeps its {@code since}.
 */
final class NodeSchedulingService {
  /** What an operator asks for. */
  enum Action {
    CORDON("node_cordoned"),
    UNCORDON("node_uncordoned"),
    DRAIN("node_drain_requested");

    final String event;

    Action(String event) {
      this.event = event;
    }
  }

  private static final int ATTEMPTS = 3;

  private final EtcdStore store;
  private final WatchCache cache;
  private final Events events;
  private final Clock clock;

  NodeSchedulingService(EtcdStore store, WatchCache cache, Events events, Clock clock) {
    this.store = store;
    this.cache = cache;
    this.events = events;
    this.clock = clock;
  }

  /**
   * Applies {@code action} to the node; 404 if there is no such node.
   *
   * @return the node's scheduling state now (uncordoned: schedulable, not stored)
   */
  Future<NodeScheduling> set(String nodeId, Action action, String user, IdempotencyClaim claim) {
    try {
      NodeIds.validate(nodeId);
    } catch (UptimeMeshException e) {
      return Future.failedFuture(
          UptimeMeshException.notFound("node " + nodeId + " does not exist"));
    }
    return set(nodeId, action, Events.user(user), claim, ATTEMPTS);
  }

  private Future<NodeScheduling> set(
      String nodeId, Action action, String actor, IdempotencyClaim claim, int attemptsLeft) {
    KeyLayout keys = store.layout();
    Future<Optional<Versioned<NodeRecord>>> node = store.get(keys.node(nodeId), NodeRecord.class);
    Future<Optional<Versioned<NodeScheduling>>> existing =
        store.get(keys.nodeScheduling(nodeId), NodeScheduling.class);
    return Future.all(node, existing)
        .compose(
            both -> {
              if (node.result().isEmpty()) {
                throw UptimeMeshException.notFound("node " + nodeId + " does not exist");
              }
              Optional<Versioned<NodeScheduling>> before = existing.result();
              NodeScheduling was = before.map(Versioned::value).orElse(null);
              boolean cordoned = action != Action.UNCORDON;
              // Cordoning a draining node does not stop its drain; only uncordon does.
              boolean draining =
                  action == Action.DRAIN
                      || (action == Action.CORDON && was != null && was.draining());
              boolean same =
                  was == null
                      ? !cordoned
                      : was.cordoned() == cordoned && was.draining() == draining;
              if (same) {
                return Future.succeededFuture(was != null ? was : schedulable(nodeId, 0, ""));
              }
              NodeScheduling now =
                  new NodeScheduling(
                      NodeScheduling.SCHEMA, nodeId, cordoned, draining, clock.millis(), actor);
              EtcdTransaction tx =
                  store
                      .transaction()
                      .requireModRevision(keys.node(nodeId), node.result().get().modRevision());
              if (before.isPresent()) {
                tx.requireModRevision(keys.nodeScheduling(nodeId), before.get().modRevision());
              } else {
                tx.requireAbsent(keys.nodeScheduling(nodeId));
              }
              if (cordoned) {
                tx.put(keys.nodeScheduling(nodeId), now);
              } else {
                // Absent is schedulable: nothing is left behind for a node that is.
                tx.delete(keys.nodeScheduling(nodeId));
              }
              return tx.claim(claim)
                  .commit(action.name().toLowerCase(java.util.Locale.ROOT) + " node " + nodeId)
                  .compose(
                      rev -> {
                        if (rev.isEmpty()) {
                          if (attemptsLeft > 1) {
                            return set(nodeId, action, actor, claim, attemptsLeft - 1);
                          }
                          throw UptimeMeshException.conflict(
                              "node " + nodeId + " keeps changing meanwhile; try again");
                        }
                        events.info(
                            EventCategory.WORKLOADS,
                            action.event,
                            actor,
                            Map.of("node_id", nodeId));
                        return cache
                            .awaitRevision(rev.get(), WorkloadCatalog.READ_YOUR_WRITES)
                            .map(v -> now);
                      });
            });
  }

  private static NodeScheduling schedulable(String nodeId, long sinceMs, String by) {
    return new NodeScheduling(NodeScheduling.SCHEMA, nodeId, false, false, sinceMs, by);
  }
}
