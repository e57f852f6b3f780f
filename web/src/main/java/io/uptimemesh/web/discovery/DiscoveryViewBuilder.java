package io.uptimemesh.web.discovery;

import io.uptimemesh.core.discovery.DiscoveryDocument;
import io.uptimemesh.core.discovery.DiscoveryNode;
import io.uptimemesh.core.discovery.EndpointHealthRecord;
import io.uptimemesh.core.discovery.EndpointProbe;
import io.uptimemesh.core.discovery.EndpointRecord;
import io.uptimemesh.core.discovery.EndpointState;
import io.uptimemesh.core.discovery.HealthyEndpoint;
import io.uptimemesh.core.discovery.ServiceRecord;
import io.uptimemesh.core.discovery.ZoneSerial;
import io.uptimemesh.core.identity.NodeRecord;
import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.KeyLayout;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds {@link DiscoveryView}s from cache snapshots. Only the five families discovery reads count:
 * a snapshot where none of their keys moved gives the previous view itself, and entries whose mod
 * revision did not move are not decoded again. Not thread-safe: the hub calls it under its lock.
 */
final class DiscoveryViewBuilder {
  private record Decoded<T>(long createRevision, long modRevision, T value) {}

  private static final Comparator<HealthyEndpoint> ZONE_ORDER =
      Comparator.comparing(HealthyEndpoint::service)
          .thenComparing(HealthyEndpoint::nodeId)
          .thenComparing(HealthyEndpoint::address)
          .thenComparingInt(HealthyEndpoint::port)
          .thenComparing(HealthyEndpoint::protocol)
          .thenComparing(HealthyEndpoint::portName);

  private final EtcdStore store;
  private final Clock clock;
  private final Map<String, Decoded<NodeRecord>> nodeMemo = new HashMap<>();
  private final Map<String, Decoded<ServiceRecord>> serviceMemo = new HashMap<>();
  private final Map<String, Decoded<EndpointRecord>> endpointMemo = new HashMap<>();
  private final Map<String, Decoded<EndpointHealthRecord>> healthMemo = new HashMap<>();

  /** Key → mod revision of every key the last view was built from. */
  private Map<String, Long> inputs = Map.of();

  private DiscoveryView last = DiscoveryView.empty();

  DiscoveryViewBuilder(EtcdStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * The view of {@code snapshot}.
   *
   * @return the previous view itself when no discovery input changed
   */
  DiscoveryView build(CacheSnapshot snapshot) {
    KeyLayout keys = store.layout();
    List<String> families =
        List.of(
            keys.nodesPrefix(),
            keys.alivePrefix(),
            keys.servicesPrefix(),
            keys.endpointsPrefix(),
            keys.endpointHealthPrefix());
    Map<String, Long> now = new HashMap<>();
    for (String prefix : families) {
      snapshot.withPrefix(prefix).values().forEach(e -> now.put(e.key(), e.modRevision()));
    }
    if (now.equals(inputs) && last.revision() != 0) {
      return last;
    }
    inputs = now;

    Map<String, Decoded<NodeRecord>> nodeRecords =
        decodeAll(snapshot, keys.nodesPrefix(), NodeRecord.class, nodeMemo);
    Map<String, DiscoveryView.NodeEntry> nodes = new TreeMap<>();
    for (Map.Entry<String, Decoded<NodeRecord>> e : nodeRecords.entrySet()) {
      NodeRecord n = e.getValue().value();
      long lease = snapshot.get(keys.alive(e.getKey())).map(CacheSnapshot.Entry::lease).orElse(0L);
      // An alive key without a lease would never go away; it does not make a node alive.
      nodes.put(
          e.getKey(),
          new DiscoveryView.NodeEntry(e.getKey(), n.name(), n.meshIp(), n.revoked(), lease));
    }

    Map<String, DiscoveryView.ServiceEntry> services = new TreeMap<>();
    decodeAll(snapshot, keys.servicesPrefix(), ServiceRecord.class, serviceMemo)
        .forEach(
            (name, d) ->
                services.put(
                    name,
                    new DiscoveryView.ServiceEntry(
                        d.value(), d.createRevision(), d.modRevision())));

    Map<String, Decoded<EndpointHealthRecord>> reports =
        decodeAll(snapshot, keys.endpointHealthPrefix(), EndpointHealthRecord.class, healthMemo);
    Map<String, DiscoveryView.EndpointEntry> endpoints = new TreeMap<>();
    Map<String, List<EndpointProbe>> probes = new TreeMap<>();
    Map<String, Map<String, Boolean>> reported = new HashMap<>();
    List<HealthyEndpoint> healthy = new ArrayList<>();
    decodeAll(snapshot, keys.endpointsPrefix(), EndpointRecord.class, endpointMemo)
        .forEach(
            (id, d) -> {
              EndpointRecord record = d.value();
              DiscoveryView.NodeEntry node = nodes.get(record.nodeId());
              Decoded<EndpointHealthRecord> report = reports.get(id);
              EndpointHealthRecord health = report == null ? null : report.value();
              EndpointState state =
                  EndpointState.of(
                      node != null,
                      node != null && node.revoked(),
                      node != null && node.alive(),
                      d.createRevision(),
                      health);
              endpoints.put(
                  id, new DiscoveryView.EndpointEntry(record, d.createRevision(), health, state));
              probes
                  .computeIfAbsent(record.nodeId(), k -> new ArrayList<>())
                  .add(EndpointProbe.of(record, d.createRevision()));
              if (health != null && health.endpointRevision() == d.createRevision()) {
                reported
                    .computeIfAbsent(record.nodeId(), k -> new TreeMap<>())
                    .put(id, health.healthy());
              }
              if (state.published()) {
                healthy.add(record.healthy());
              }
            });
    healthy.sort(ZONE_ORDER);

    Map<String, String> probesDigests = new HashMap<>();
    Map<String, List<EndpointProbe>> frozen = new LinkedHashMap<>();
    Map<String, Map<String, Boolean>> frozenReports = new HashMap<>();
    probes.forEach(
        (node, list) -> {
          // Endpoints were visited in id order, so each list is sorted by endpoint id already.
          List<EndpointProbe> copy = List.copyOf(list);
          Map<String, Boolean> held = Map.copyOf(reported.getOrDefault(node, Map.of()));
          frozen.put(node, copy);
          frozenReports.put(node, held);
          probesDigests.put(node, DiscoveryDocument.probesDigest(copy, held));
        });

    List<DiscoveryNode> zoneNodes = new ArrayList<>();
    nodes.values().stream()
        .filter(DiscoveryView.NodeEntry::published)
        .forEach(n -> zoneNodes.add(new DiscoveryNode(n.id(), n.name(), n.meshIp())));
    DiscoveryDocument.Zone zone = new DiscoveryDocument.Zone(zoneNodes, healthy);
    String zoneDigest = zone.digest();
    long serial =
        zoneDigest.equals(last.zoneDigest()) && last.serial() >= 0
            ? last.serial()
            : ZoneSerial.next(last.serial(), clock.instant());

    last =
        new DiscoveryView(
            snapshot.revision(),
            java.util.Collections.unmodifiableMap(nodes),
            java.util.Collections.unmodifiableMap(services),
            java.util.Collections.unmodifiableMap(endpoints),
            java.util.Collections.unmodifiableMap(frozen),
            Map.copyOf(frozenReports),
            Map.copyOf(probesDigests),
            zone,
            zoneDigest,
            zoneDigest.equals(last.zoneDigest()) ? last.zoneJson() : DiscoveryView.jsonOf(zone),
            serial);
    return last;
  }

  /**
   * Decodes a family, reusing the decoded value of entries whose mod revision did not change. A
   * document this code cannot read is left out, as if absent.
   */
  private <T> Map<String, Decoded<T>> decodeAll(
      CacheSnapshot snapshot, String prefix, Class<T> type, Map<String, Decoded<T>> memo) {
    Map<String, Decoded<T>> out = new TreeMap<>();
    for (CacheSnapshot.Entry e : snapshot.withPrefix(prefix).values()) {
      String id = KeyLayout.lastSegment(e.key());
      Decoded<T> d = memo.get(id);
      if (d == null || d.modRevision() != e.modRevision()) {
        try {
          d = new Decoded<>(e.createRevision(), e.modRevision(), store.decode(e, type).value());
        } catch (RuntimeException bad) {
          continue;
        }
        memo.put(id, d);
      }
      out.put(id, d);
    }
    memo.keySet().retainAll(out.keySet());
    return out;
  }
}
