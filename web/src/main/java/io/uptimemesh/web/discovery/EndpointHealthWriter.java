package io.uptimemesh.web.discovery;

import io.uptimemesh.core.discovery.EndpointHealthRecord;
import io.uptimemesh.core.discovery.EndpointHealthReport;
import io.uptimemesh.core.events.EventCategory;
import io.uptimemesh.core.events.Events;
import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.EtcdTransaction;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.WatchCache;
import io.uptimemesh.web.NodeLeaseWrite;
import io.uptimemesh.web.NodeReportOutcome;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stores a node's endpoint health reports (ADR 0013): only verdicts that change what is stored are
 * written, on the lease of the node's {@code alive/} key, in one transaction that compares the
 * alive key and every endpoint reported on are unchanged. Reports about endpoints that are gone,
 * belong to another node or name another create revision are ignored with a reason.
 */
final class EndpointHealthWriter {
  private final EtcdStore store;
  private final WatchCache cache;
  private final DiscoveryHub hub;
  private final Events events;
  private final Clock clock;

  EndpointHealthWriter(
      EtcdStore store, WatchCache cache, DiscoveryHub hub, Events events, Clock clock) {
    this.store = store;
    this.cache = cache;
    this.hub = hub;
    this.events = events;
    this.clock = clock;
  }

  /** 409 when the node is not alive; one retry when something changed between read and write. */
  Future<NodeReportOutcome> write(String nodeId, EndpointHealthReport body) {
    return attempt(nodeId, body, true);
  }

  private Future<NodeReportOutcome> attempt(
      String nodeId, EndpointHealthReport body, boolean retry) {
    KeyLayout keys = store.layout();
    DiscoveryView view = hub.view();
    CacheSnapshot snapshot = cache.snapshot();
    Optional<CacheSnapshot.Entry> alive = snapshot.get(keys.alive(nodeId));
    if (alive.isEmpty() || alive.get().lease() == 0) {
      return Future.failedFuture(NodeLeaseWrite.notAlive(nodeId));
    }
    // The last report about an endpoint counts: etcd refuses a key twice in one transaction.
    Map<String, EndpointHealthReport.Report> latest = new LinkedHashMap<>();
    body.reports().forEach(r -> latest.put(r.endpointId(), r));
    List<NodeReportOutcome.Ignored> ignored = new ArrayList<>();
    List<EndpointHealthRecord> changes = new ArrayList<>();
    EtcdTransaction tx =
        store.transaction().requireModRevision(keys.alive(nodeId), alive.get().modRevision());
    long now = clock.millis();
    for (EndpointHealthReport.Report r : latest.values()) {
      DiscoveryView.EndpointEntry e = view.endpoints().get(r.endpointId());
      Optional<String> why = ignoreReason(nodeId, r, e);
      if (why.isPresent()) {
        ignored.add(new NodeReportOutcome.Ignored(r.endpointId(), why.get()));
        continue;
      }
      EndpointHealthRecord stored = e.health();
      if (stored != null
          && stored.endpointRevision() == r.endpointRevision()
          && stored.healthy() == r.healthy()) {
        continue; // the same verdict again: nothing to write
      }
      EndpointHealthRecord record =
          new EndpointHealthRecord(
              EndpointHealthRecord.SCHEMA,
              r.endpointId(),
              nodeId,
              r.endpointRevision(),
              r.healthy(),
              EndpointHealthReport.Report.shorten(r.detail()),
              r.changedAtMs(),
              now);
      // The endpoint must still be the one reported on (not deleted and created again).
      snapshot
          .get(keys.endpoint(r.endpointId()))
          .ifPresent(entry -> tx.requireModRevision(entry.key(), entry.modRevision()));
      tx.put(keys.endpointHealth(r.endpointId()), record, alive.get().lease());
      changes.add(record);
    }
    NodeReportOutcome outcome =
        new NodeReportOutcome(body.reports().size(), changes.size(), List.copyOf(ignored));
    if (changes.isEmpty()) {
      return Future.succeededFuture(outcome);
    }
    return NodeLeaseWrite.commit(
        store,
        cache,
        tx,
        "store endpoint health of " + nodeId,
        nodeId,
        retry,
        "node " + nodeId + " went stale or its endpoints changed meanwhile; send the report again",
        () -> attempt(nodeId, body, false),
        () -> changes.forEach(c -> recordEvent(c, view.endpoints().get(c.endpointId()))),
        outcome);
  }

  private static Optional<String> ignoreReason(
      String nodeId, EndpointHealthReport.Report r, DiscoveryView.EndpointEntry e) {
    if (e == null) {
      return Optional.of("endpoint not found");
    }
    if (!e.record().nodeId().equals(nodeId)) {
      return Optional.of("endpoint belongs to node " + e.record().nodeId());
    }
    if (e.createRevision() != r.endpointRevision()) {
      return Optional.of(
          "endpoint_revision "
              + r.endpointRevision()
              + " is not the endpoint's create revision "
              + e.createRevision());
    }
    return Optional.empty();
  }

  private void recordEvent(EndpointHealthRecord now, DiscoveryView.EndpointEntry entry) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("endpoint_id", now.endpointId());
    fields.put("node_id", now.nodeId());
    if (entry != null) {
      fields.put("service", entry.record().service());
    }
    if (!now.detail().isEmpty()) {
      fields.put("detail", now.detail());
    }
    String actor = Events.node(now.nodeId());
    if (now.healthy()) {
      events.info(EventCategory.DISCOVERY, "endpoint_healthy", actor, fields);
    } else {
      events.warning(EventCategory.DISCOVERY, "endpoint_unhealthy", actor, fields);
    }
  }
}
