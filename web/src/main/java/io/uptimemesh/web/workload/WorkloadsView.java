package io.uptimemesh.web.workload;

import io.uptimemesh.core.workload.WorkloadsDocument;
import io.uptimemesh.web.NodeDocumentView;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Every node's workloads document at one etcd revision (ADR 0014), with its digest, computed once
 * per change of the replicas, the kept generations or the node records; a document whose content
 * did not change keeps its digest from the view before. Immutable.
 *
 * @param revision the etcd revision of the snapshot it was built from
 * @param nodes every node with a node record, by id
 * @param documents each node's document (revision 0: the view's revision is stamped on sending)
 * @param digests each node's document digest
 */
record WorkloadsView(
    long revision,
    Map<String, NodeEntry> nodes,
    Map<String, WorkloadsDocument> documents,
    Map<String, String> digests)
    implements NodeDocumentView {

  /** A node as its workloads document needs it. */
  record NodeEntry(String id, String meshIp, boolean revoked) {}

  static WorkloadsView empty() {
    return new WorkloadsView(0, Map.of(), Map.of(), Map.of());
  }

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
    return digests.get(nodeId);
  }

  @Override
  public String documentJson(String nodeId, String variant) {
    return new String(documentOf(nodeId).toJson(), StandardCharsets.UTF_8);
  }

  /** The node's document stamped with this view's revision; the caller checked the node exists. */
  WorkloadsDocument documentOf(String nodeId) {
    return documents.get(nodeId).withRevision(revision);
  }
}
