package io.uptimemesh.core.mesh;

/**
 * An operator's request that a node make new WireGuard keys ({@code node-wg-rotation/{id}}): the
 * node's desired key generation is the higher of this and its registered one.
 *
 * @param schema {@value #SCHEMA}
 * @param nodeId the node
 * @param keyGeneration the generation the node should run with
 * @param requestedAtMs when, epoch milliseconds
 * @param requestedBy the actor (e.g. {@code user:admin})
 */
public record WireGuardRotation(
    int schema, String nodeId, long keyGeneration, long requestedAtMs, String requestedBy) {
  /** The document version this code writes. */
  public static final int SCHEMA = 1;
}
