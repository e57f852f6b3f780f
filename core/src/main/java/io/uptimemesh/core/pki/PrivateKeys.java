package io.uptimemesh.core.pki;

import io.uptimemesh.core.error.UptimeMeshException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/** Turns PKCS#8 DER into a JDK private key, for the two key types the cluster uses. */
final class PrivateKeys {

  private PrivateKeys() {}

  /**
   * Decodes a PKCS#8 private key.
   *
   * @param der PKCS#8 {@code PrivateKeyInfo} (or RFC 5958 {@code OneAsymmetricKey}) DER
   * @return an Ed25519 or EC private key from the JDK's providers
   * @throws UptimeMeshException (invalid) if der is malformed or holds another kind of key
   */
  static PrivateKey fromPkcs8(byte[] der) {
    PrivateKeyInfo info;
    try {
      info = PrivateKeyInfo.getInstance(der);
    } catch (RuntimeException e) {
      throw UptimeMeshException.invalid("the private key is not valid PKCS#8");
    }
    if (info == null) {
      throw UptimeMeshException.invalid("the private key is not valid PKCS#8");
    }
    ASN1ObjectIdentifier algorithm = info.getPrivateKeyAlgorithm().getAlgorithm();
    try {
      if (EdECObjectIdentifiers.id_Ed25519.equals(algorithm)) {
        // Drop the optional public key and attributes (RFC 5958 v2, as Bouncy Castle writes it):
        // the JDK's Ed25519 key factory only reads version 1.
        PrivateKeyInfo v1 =
            new PrivateKeyInfo(info.getPrivateKeyAlgorithm(), info.parsePrivateKey());
        return KeyFactory.getInstance("Ed25519")
            .generatePrivate(new PKCS8EncodedKeySpec(v1.getEncoded()));
      }
      if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
      }
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      throw UptimeMeshException.invalid("the private key is not a valid Ed25519 or EC key");
    }
    throw UptimeMeshException.invalid(
        "the private key is of an unsupported type; expected Ed25519 or EC");
  }
}
