package io.uptimemesh.core.heartbeat;

import io.uptimemesh.core.error.UptimeMeshException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * What the server knows about a node, looked up by the fingerprint header of its heartbeat.
 *
 * @param nodeId the node id
 * @param certificate the node certificate the fingerprint names
 * @param publicKey the certificate's Ed25519 public key, kept apart so it is decoded once
 * @param revoked true if the node was revoked
 * @param lastAcceptedSeq the seq of the last accepted heartbeat; -1 if none yet
 */
public record NodeCredentials(
    String nodeId,
    X509Certificate certificate,
    PublicKey publicKey,
    boolean revoked,
    long lastAcceptedSeq) {

  /**
   * Checks the parts.
   *
   * @throws UptimeMeshException (invalid) if publicKey is not the certificate's key: the signature
   *     would then be checked with a key the certificate checks did not vouch for
   */
  public NodeCredentials {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(publicKey, "publicKey");
    if (!publicKey.equals(certificate.getPublicKey())) {
      throw UptimeMeshException.invalid("the public key is not the node certificate's key");
    }
  }
}
