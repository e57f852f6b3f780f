package io.uptimemesh.core.pki;

import java.security.PublicKey;
import java.util.Objects;

/**
 * A certificate request that {@link CsrValidator} accepted: the only two things from it that go
 * into a node certificate.
 *
 * @param nodeId the node id, the request's only subject attribute (CN)
 * @param publicKey the node's Ed25519 public key, whose holder signed the request
 */
public record ValidatedCsr(String nodeId, PublicKey publicKey) {

  public ValidatedCsr {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(publicKey, "publicKey");
  }
}
