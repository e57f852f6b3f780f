package io.uptimemesh.core.pki;

import io.uptimemesh.core.error.UptimeMeshException;
import java.io.IOException;
import java.security.PrivateKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * Converts Ed25519 keys to Bouncy Castle's lightweight key parameters, through their standard
 * encodings, so keys from the JDK or any provider work.
 */
final class Ed25519Keys {

  private Ed25519Keys() {}

  static Ed25519PrivateKeyParameters privateParameters(PrivateKey key) {
    byte[] der = key == null ? null : key.getEncoded();
    if (der == null) {
      throw UptimeMeshException.invalid("the private key is not an Ed25519 key");
    }
    try {
      AsymmetricKeyParameter parameters =
          PrivateKeyFactory.createKey(PrivateKeyInfo.getInstance(der));
      if (parameters instanceof Ed25519PrivateKeyParameters ed25519) {
        return ed25519;
      }
    } catch (IOException | RuntimeException e) {
      // Fall through to the same answer as for another key type.
    }
    throw UptimeMeshException.invalid("the private key is not an Ed25519 key");
  }

  static Ed25519PublicKeyParameters publicParameters(SubjectPublicKeyInfo info) {
    try {
      AsymmetricKeyParameter parameters = PublicKeyFactory.createKey(info);
      if (parameters instanceof Ed25519PublicKeyParameters ed25519) {
        return ed25519;
      }
    } catch (IOException | RuntimeException e) {
      // Fall through to the same answer as for another key type.
    }
    throw UptimeMeshException.invalid("the public key is not a valid Ed25519 key");
  }
}
