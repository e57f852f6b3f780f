package io.uptimemesh.wireguard;

import java.util.Objects;

/** A private key and its public key. Prints only the public key. */
public record WgKeyPair(WgPrivateKey privateKey, WgPublicKey publicKey) {
  public WgKeyPair {
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(publicKey, "publicKey");
    if (!privateKey.publicKey().equals(publicKey)) {
      throw new IllegalArgumentException("the public key does not belong to the private key");
    }
  }
}
