package io.uptimemesh.core.mesh;

import java.util.Objects;
import java.util.Optional;

/**
 * A node's WireGuard side as the control plane stores it ({@code node-wireguard/{id}}): public keys
 * and endpoints only, never a private key.
 *
 * @param schema {@value #SCHEMA}
 * @param nodeId the node
 * @param keyGeneration the generation of these keys; a registration below the stored one is refused
 * @param primaryPublicKey base64 public key of the primary interface
 * @param primaryEndpoint {@code host:port} of the primary path
 * @param secondaryPublicKey base64 public key of the secondary interface, or null
 * @param secondaryEndpoint {@code host:port} of the secondary path, or null
 * @param updatedAtMs when it was last changed, epoch milliseconds
 */
public record WireGuardRegistration(
    int schema,
    String nodeId,
    long keyGeneration,
    String primaryPublicKey,
    String primaryEndpoint,
    String secondaryPublicKey,
    String secondaryEndpoint,
    long updatedAtMs) {

  /** The document version this code writes. */
  public static final int SCHEMA = 1;

  public WireGuardRegistration {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(primaryPublicKey, "primaryPublicKey");
    Objects.requireNonNull(primaryEndpoint, "primaryEndpoint");
  }

  /** The part the planner needs. */
  public NodeWireGuard wireGuard() {
    return new NodeWireGuard(
        primaryPublicKey,
        primaryEndpoint,
        Optional.ofNullable(secondaryPublicKey),
        Optional.ofNullable(secondaryEndpoint));
  }

  /** True if {@code other} says the same (generation, keys, endpoints), whenever it was written. */
  public boolean sameAs(WireGuardRegistration other) {
    return other != null
        && keyGeneration == other.keyGeneration
        && primaryPublicKey.equals(other.primaryPublicKey)
        && primaryEndpoint.equals(other.primaryEndpoint)
        && Objects.equals(secondaryPublicKey, other.secondaryPublicKey)
        && Objects.equals(secondaryEndpoint, other.secondaryEndpoint);
  }

  /** True if the public keys differ from {@code other}'s. */
  public boolean keysDifferFrom(WireGuardRegistration other) {
    return !primaryPublicKey.equals(other.primaryPublicKey)
        || !Objects.equals(secondaryPublicKey, other.secondaryPublicKey);
  }
}
