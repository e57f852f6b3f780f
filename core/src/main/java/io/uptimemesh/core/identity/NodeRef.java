package io.uptimemesh.core.identity;

/**
 * An index entry pointing at a node: used for certificate fingerprints and mesh addresses, whose
 * keys are created-if-absent so no fingerprint or address can belong to two nodes.
 *
 * @param nodeId the node it belongs to
 */
public record NodeRef(String nodeId) {}
