package io.uptimemesh.core.mesh;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Everything the control plane wants one node's agent to configure, as one JSON document: the
 * payload of the desired-state stream, and what the agent persists as its last known state.
 *
 * <p>{@code revision} is the etcd revision the document was computed at; {@link #digest()} covers
 * everything else, so two documents computed at different revisions with the same content have the
 * same digest. An agent resumes a stream by sending both: the server sends the document again only
 * if its digest differs (ADR 0012).
 *
 * @param schema document version, {@value #SCHEMA}
 * @param nodeId the node it is for
 * @param revision the etcd revision it was computed at
 * @param member false once the node is revoked: it must take its mesh down (no peers)
 * @param meshIp the node's mesh address (IPv4)
 * @param meshCidr the cluster's mesh CIDR, routed over both interfaces
 * @param wgKeyGeneration the WireGuard key generation the node should run with; above the agent's
 *     own it makes new key pairs and reports their public keys ({@code nodes rotate-wg-keys})
 * @param primaryPeers the peers of the primary interface
 * @param secondaryPeers the peers of the secondary interface
 */
public record DesiredState(
    int schema,
    String nodeId,
    long revision,
    boolean member,
    String meshIp,
    String meshCidr,
    long wgKeyGeneration,
    List<MeshPlanner.Peer> primaryPeers,
    List<MeshPlanner.Peer> secondaryPeers) {

  /** The document version this code writes and reads. */
  public static final int SCHEMA = 1;

  public DesiredState {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(meshIp, "meshIp");
    Objects.requireNonNull(meshCidr, "meshCidr");
    primaryPeers = List.copyOf(primaryPeers == null ? List.of() : primaryPeers);
    secondaryPeers = List.copyOf(secondaryPeers == null ? List.of() : secondaryPeers);
  }

  /** The document for {@code plan}, computed at {@code revision}. */
  public static DesiredState of(
      MeshPlanner.DesiredMesh plan, long revision, String meshCidr, long wgKeyGeneration) {
    return new DesiredState(
        SCHEMA,
        plan.nodeId(),
        revision,
        true,
        plan.meshIp(),
        meshCidr,
        wgKeyGeneration,
        plan.primaryPeers(),
        plan.secondaryPeers());
  }

  /** The same content, stamped with another revision. */
  public DesiredState withRevision(long newRevision) {
    return new DesiredState(
        schema,
        nodeId,
        newRevision,
        member,
        meshIp,
        meshCidr,
        wgKeyGeneration,
        primaryPeers,
        secondaryPeers);
  }

  /** SHA-256 (hex) of the content without the revision. */
  public String digest() {
    try {
      byte[] content = Json.mapper().writeValueAsBytes(withRevision(0));
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot digest a desired state", e);
    }
  }

  /** The JSON document. */
  public byte[] toJson() {
    try {
      return Json.mapper().writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a desired state", e);
    }
  }

  /** The JSON document as text. */
  public String toJsonText() {
    return new String(toJson(), StandardCharsets.UTF_8);
  }

  /**
   * Reads a document.
   *
   * @throws UptimeMeshException (invalid) naming the problem if it is not a desired state of a
   *     schema this code knows
   */
  public static DesiredState parse(byte[] json) {
    DesiredState state;
    try {
      state = Json.mapper().readValue(json, DesiredState.class);
    } catch (IOException | RuntimeException e) {
      throw UptimeMeshException.invalid("not a desired-state document: " + e.getMessage());
    }
    if (state.schema() != SCHEMA) {
      throw UptimeMeshException.invalid(
          "desired-state schema " + state.schema() + " is not " + SCHEMA);
    }
    return state;
  }
}
