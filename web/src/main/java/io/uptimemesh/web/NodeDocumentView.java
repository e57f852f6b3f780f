package io.uptimemesh.web;

/**
 * Per-node documents at one etcd revision, as a {@link NodeDocumentHub} hands them to the streams
 * agents follow: each node's document and the digest of its content. Immutable; a view that did not
 * change is the same instance.
 */
public interface NodeDocumentView {
  /** The etcd revision the view was built from. */
  long revision();

  /** True if the node has a document here (it has a node record). */
  boolean knows(String nodeId);

  /** True if the node's stream must end: its record is gone or it is revoked. */
  boolean ended(String nodeId);

  /**
   * The digest of the node's document content (not of revisions).
   *
   * @param variant what the client asked for (e.g. discovery's zone part), "" for the default
   */
  String digestOf(String nodeId, String variant);

  /** The node's document as one line of JSON; the caller checked {@link #knows}. */
  String documentJson(String nodeId, String variant);
}
