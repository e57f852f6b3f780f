package io.uptimemesh.core.workload;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.json.Json;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one node's agent must run (ADR 0014), as the control plane sends it on {@code GET
 * /api/v1/nodes/{id}/workloads[/stream]}: every replica whose record names the node, each with the
 * spec of the generation it must run (and of the kept generation before it, for a fallback), its
 * host ports and its latest operator command, plus the node's mesh address its ports listen on.
 *
 * <p>{@link #digest()} covers everything but the revision, so an agent resumes a stream with it and
 * the server answers {@code unchanged} when it matches; the same content always has the same digest
 * whatever etcd revision it was read at.
 *
 * @param schema {@value #SCHEMA}
 * @param nodeId the receiving node
 * @param revision the etcd revision it was computed at
 * @param meshAddress the node's mesh address, or null when it has none yet (then no replica can
 *     expose its ports; the scheduler places none there)
 * @param replicas sorted by id
 */
public record WorkloadsDocument(
    int schema, String nodeId, long revision, String meshAddress, List<Replica> replicas) {
  public static final int SCHEMA = 1;

  /**
   * One replica to run.
   *
   * @param id the replica id, also its container's name
   * @param service its service
   * @param generation the generation it must run
   * @param spec the spec of that generation, null when the control plane no longer keeps it (then
   *     {@code error} says so and the agent reports the replica failed, touching nothing)
   * @param previousGeneration the newest kept generation below {@code generation}, 0 if none
   * @param previousSpec its spec, null if none
   * @param hostPorts port name → port on the mesh address
   * @param command the latest operator command, or null
   * @param error why the replica cannot be run as assigned, empty if it can
   */
  public record Replica(
      String id,
      String service,
      long generation,
      WorkloadSpec spec,
      long previousGeneration,
      WorkloadSpec previousSpec,
      Map<String, Integer> hostPorts,
      ReplicaCommand command,
      String error) {
    public Replica {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(service, "service");
      hostPorts =
          hostPorts == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(hostPorts));
      error = error == null ? "" : error;
      if (spec == null && error.isEmpty()) {
        throw new IllegalArgumentException("replica " + id + " has neither a spec nor an error");
      }
    }

    /** True when the agent can run it: the spec of its generation is known. */
    public boolean runnable() {
      return spec != null;
    }
  }

  public WorkloadsDocument {
    Objects.requireNonNull(nodeId, "nodeId");
    replicas =
        replicas == null
            ? List.of()
            : replicas.stream().sorted(Comparator.comparing(Replica::id)).toList();
  }

  public WorkloadsDocument withRevision(long newRevision) {
    return new WorkloadsDocument(schema, nodeId, newRevision, meshAddress, replicas);
  }

  /** The content without the revision: what the digest covers. */
  private record Content(String nodeId, String meshAddress, List<Replica> replicas) {}

  /** SHA-256 (hex) of the content without the revision. */
  public String digest() {
    try {
      byte[] json = Json.mapper().writeValueAsBytes(new Content(nodeId, meshAddress, replicas));
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot digest a workloads document", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  public byte[] toJson() {
    try {
      return Json.mapper().writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a workloads document", e);
    }
  }

  /**
   * Reads a document.
   *
   * @throws UptimeMeshException (invalid) naming the problem if it is not a workloads document of a
   *     schema this code knows
   */
  public static WorkloadsDocument parse(byte[] json) {
    WorkloadsDocument doc;
    try {
      doc = Json.mapper().readValue(json, WorkloadsDocument.class);
    } catch (IOException | RuntimeException e) {
      throw UptimeMeshException.invalid("not a workloads document: " + e.getMessage());
    }
    if (doc.schema() != SCHEMA) {
      throw UptimeMeshException.invalid("workloads schema " + doc.schema() + " is not " + SCHEMA);
    }
    if (doc.nodeId() == null || doc.nodeId().isEmpty()) {
      throw UptimeMeshException.invalid("workloads document: node_id is missing");
    }
    return doc;
  }
}
