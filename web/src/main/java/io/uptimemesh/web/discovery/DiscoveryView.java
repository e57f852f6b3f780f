package io.uptimemesh.web.discovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.uptimemesh.core.discovery.DiscoveryDocument;
import io.uptimemesh.core.discovery.EndpointHealthRecord;
import io.uptimemesh.core.discovery.EndpointProbe;
import io.uptimemesh.core.discovery.EndpointRecord;
import io.uptimemesh.core.discovery.EndpointState;
import io.uptimemesh.core.discovery.ServiceRecord;
import io.uptimemesh.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Discovery at one etcd revision: every node as discovery sees it, every service and endpoint with
 * its state under the one rule ({@link EndpointState#of}), each node's probe list and the shared
 * zone part with its digest, computed once per change. Immutable.
 *
 * @param revision the etcd revision of the snapshot it was built from
 * @param nodes every node with a node record, by id
 * @param services every service, by name (sorted)
 * @param endpoints every endpoint, by id (sorted)
 * @param probes the probe list of each node that hosts an endpoint, sorted by endpoint id
 * @param reported the verdicts held about each node's endpoints (endpoint id → healthy), for the
 *     documents: an agent reports again what differs
 * @param probesDigests {@link DiscoveryDocument#probesDigest} of each node's probes and verdicts
 * @param zone the zone part: alive, non-revoked nodes and the healthy endpoints
 * @param zoneDigest {@code zone.digest()}
 * @param zoneJson {@code zone} as JSON, written once per view and spliced into every document
 * @param serial the zone serial of this content ({@code ZoneSerial}), moved when the zone changed
 */
record DiscoveryView(
    long revision,
    Map<String, NodeEntry> nodes,
    Map<String, ServiceEntry> services,
    Map<String, EndpointEntry> endpoints,
    Map<String, List<EndpointProbe>> probes,
    Map<String, Map<String, Boolean>> reported,
    Map<String, String> probesDigests,
    DiscoveryDocument.Zone zone,
    String zoneDigest,
    String zoneJson,
    long serial)
    implements io.uptimemesh.web.NodeDocumentView {

  /** The stream variant that asks for the zone part ({@code ?zone=true}). */
  static final String ZONE = "zone";

  /** The event name of a whole discovery document. */
  static final String EVENT = "discovery";

  @Override
  public boolean knows(String nodeId) {
    return nodes.containsKey(nodeId);
  }

  @Override
  public boolean ended(String nodeId) {
    NodeEntry n = nodes.get(nodeId);
    return n == null || n.revoked();
  }

  @Override
  public String digestOf(String nodeId, String variant) {
    return digestOf(nodeId, ZONE.equals(variant));
  }

  @Override
  public String documentJson(String nodeId, String variant) {
    return documentJson(nodeId, ZONE.equals(variant));
  }

  /** The digest of an empty probe list: a node that hosts nothing. */
  static final String NO_PROBES_DIGEST = DiscoveryDocument.probesDigest(List.of(), Map.of());

  /**
   * A node as discovery needs it.
   *
   * @param aliveLease the lease of its {@code alive/} key, 0 when it is not alive
   */
  record NodeEntry(String id, String name, String meshIp, boolean revoked, long aliveLease) {
    boolean alive() {
      return aliveLease != 0;
    }

    /** Alive and not revoked: published and able to host healthy endpoints. */
    boolean published() {
      return alive() && !revoked;
    }
  }

  /** A service, the revision it was created at and that of its last change (its ETag). */
  record ServiceEntry(ServiceRecord record, long createRevision, long modRevision) {}

  /**
   * An endpoint, its create revision, its stored report (null if none) and its state.
   *
   * @param health the stored report, or null
   */
  record EndpointEntry(
      EndpointRecord record,
      long createRevision,
      EndpointHealthRecord health,
      EndpointState state) {
    String id() {
      return record.id();
    }
  }

  static DiscoveryView empty() {
    DiscoveryDocument.Zone zone = new DiscoveryDocument.Zone(List.of(), List.of());
    return new DiscoveryView(
        0,
        Map.of(),
        Map.of(),
        Map.of(),
        Map.of(),
        Map.of(),
        Map.of(),
        zone,
        zone.digest(),
        jsonOf(zone),
        -1);
  }

  Optional<NodeEntry> node(String id) {
    return Optional.ofNullable(nodes.get(id));
  }

  List<EndpointProbe> probesOf(String nodeId) {
    return probes.getOrDefault(nodeId, List.of());
  }

  /** The digest the document of {@code nodeId} has, with or without the zone part. */
  String digestOf(String nodeId, boolean withZone) {
    return DiscoveryDocument.digestOf(
        nodeId, probesDigests.getOrDefault(nodeId, NO_PROBES_DIGEST), withZone ? zoneDigest : null);
  }

  /** The document of {@code nodeId}; the caller checked the node exists. */
  DiscoveryDocument documentOf(String nodeId, boolean withZone) {
    return new DiscoveryDocument(
        DiscoveryDocument.SCHEMA,
        nodeId,
        revision,
        probesOf(nodeId),
        reported.getOrDefault(nodeId, Map.of()),
        withZone ? zone : null);
  }

  /**
   * The JSON of {@link #documentOf}: the zone part, the same for every node, is spliced in as
   * written once for this view rather than written again for every stream that asks for it.
   */
  String documentJson(String nodeId, boolean withZone) {
    String bare = new String(documentOf(nodeId, false).toJson(), StandardCharsets.UTF_8);
    if (!withZone) {
      return bare;
    }
    if (!bare.endsWith(NO_ZONE_TAIL)) {
      // Not the layout this splice expects (the record changed): write it whole.
      return new String(documentOf(nodeId, true).toJson(), StandardCharsets.UTF_8);
    }
    return bare.substring(0, bare.length() - NO_ZONE_TAIL.length()) + "\"zone\":" + zoneJson + "}";
  }

  private static final String NO_ZONE_TAIL = "\"zone\":null}";

  static String jsonOf(DiscoveryDocument.Zone zone) {
    try {
      return Json.mapper().writeValueAsString(zone);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the zone part", e);
    }
  }

  /** The endpoints of a service, sorted by id. */
  List<EndpointEntry> endpointsOf(String service) {
    return endpoints.values().stream().filter(e -> e.record().service().equals(service)).toList();
  }
}
