package io.uptimemesh.core.discovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one node's agent needs for discovery, as the control plane sends it on {@code GET
 * /api/v1/nodes/{id}/discovery[/stream]}: the endpoints it must health-check and, if it asked with
 * {@code zone=true} (discovery enabled on that node), the data its zone is rendered from.
 *
 * <p>{@link #digest()} covers everything but the revision and is made of one digest per part, so a
 * server computes the digest of the shared zone part once per change, not once per agent. An agent
 * resumes a stream with it; the server answers {@code unchanged} when it matches.
 *
 * @param schema {@value #SCHEMA}
 * @param nodeId the receiving node
 * @param revision the etcd revision it was computed at
 * @param probes the endpoints hosted by this node, sorted by id
 * @param reported the verdict the control plane holds for each of them (endpoint id → healthy),
 *     absent where it holds none for that create revision: after the node's lease ended, or before
 *     the first report. The agent reports again every verdict of its own that differs, so the two
 *     sides converge whatever was lost.
 * @param zone the zone data, or null when not asked for
 */
public record DiscoveryDocument(
    int schema,
    String nodeId,
    long revision,
    List<EndpointProbe> probes,
    Map<String, Boolean> reported,
    Zone zone) {
  public static final int SCHEMA = 1;

  /**
   * The zone's input: nodes that are alive and not revoked, and the healthy endpoints, both in a
   * stable order (nodes by id; endpoints by service, node, address, port, protocol, port name).
   */
  public record Zone(List<DiscoveryNode> nodes, List<HealthyEndpoint> endpoints) {
    public Zone {
      nodes = List.copyOf(nodes);
      endpoints = List.copyOf(endpoints);
    }

    /** SHA-256 (hex) of this part's JSON. */
    public String digest() {
      return partDigest(this);
    }
  }

  public DiscoveryDocument {
    Objects.requireNonNull(nodeId, "nodeId");
    probes = List.copyOf(probes);
    reported = reported == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(reported));
  }

  public DiscoveryDocument withRevision(long newRevision) {
    return new DiscoveryDocument(schema, nodeId, newRevision, probes, reported, zone);
  }

  /** The node's own part: its probes and the verdicts held about them. */
  private record NodePart(List<EndpointProbe> probes, Map<String, Boolean> reported) {}

  /** SHA-256 (hex) of the node's own part (probes and reported verdicts) as JSON. */
  public static String probesDigest(List<EndpointProbe> probes, Map<String, Boolean> reported) {
    return partDigest(new NodePart(probes, new TreeMap<>(reported)));
  }

  /**
   * The digest of a document made of these parts: SHA-256 (hex) of the node id and the two part
   * digests, the zone's being empty when there is no zone part.
   */
  public static String digestOf(String nodeId, String probesDigest, String zoneDigest) {
    String text = nodeId + "\n" + probesDigest + "\n" + (zoneDigest == null ? "" : zoneDigest);
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  /** SHA-256 (hex) of the content without the revision. */
  public String digest() {
    return digestOf(nodeId, probesDigest(probes, reported), zone == null ? null : zone.digest());
  }

  public byte[] toJson() {
    try {
      return Json.mapper().writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a discovery document", e);
    }
  }

  /**
   * Reads a document.
   *
   * @throws UptimeMeshException (invalid) naming the problem if it is not a discovery document of a
   *     schema this code knows
   */
  public static DiscoveryDocument parse(byte[] json) {
    DiscoveryDocument doc;
    try {
      doc = Json.mapper().readValue(json, DiscoveryDocument.class);
    } catch (IOException | RuntimeException e) {
      throw UptimeMeshException.invalid("not a discovery document: " + e.getMessage());
    }
    if (doc.schema() != SCHEMA) {
      throw UptimeMeshException.invalid("discovery schema " + doc.schema() + " is not " + SCHEMA);
    }
    return doc;
  }

  private static String partDigest(Object part) {
    try {
      return sha256(Json.mapper().writeValueAsBytes(part));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot digest a discovery document part", e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
