package io.uptimemesh.core.pki;

import io.uptimemesh.core.error.UptimeMeshException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * SHA-256 fingerprints over DER, as lower-case hex. They serve as the cluster CA pin in join tokens
 * and as the node certificate fingerprint a heartbeat names.
 */
public final class Fingerprints {

  private static final HexFormat HEX = HexFormat.of();

  private Fingerprints() {}

  /**
   * Fingerprints a certificate.
   *
   * @param cert the certificate
   * @return SHA-256 of its DER encoding, 64 lower-case hex characters
   * @throws UptimeMeshException (invalid) if the certificate cannot be encoded
   */
  public static String sha256(X509Certificate cert) {
    try {
      return sha256(cert.getEncoded());
    } catch (CertificateEncodingException e) {
      throw UptimeMeshException.invalid("the certificate cannot be DER-encoded");
    }
  }

  /**
   * Fingerprints DER bytes.
   *
   * @param der the bytes
   * @return their SHA-256, 64 lower-case hex characters
   */
  public static String sha256(byte[] der) {
    return HEX.formatHex(sha256Digest().digest(der));
  }

  static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide SHA-256.
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
