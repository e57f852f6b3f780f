package io.uptimemesh.core.pki;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The cluster certificate authority: an EC P-256 key and its self-signed certificate. It signs node
 * certificates; nodes pin its certificate by {@link #pin()}.
 *
 * @param certificate the self-signed CA certificate
 * @param privateKey the CA's EC private key
 */
public record ClusterCa(X509Certificate certificate, PrivateKey privateKey) {

  /** How far back notBefore is set, so a node whose clock is a little behind accepts the cert. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
  private static final SecureRandom RANDOM = new SecureRandom();

  public ClusterCa {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
  }

  /**
   * Creates a new cluster CA: a fresh P-256 key and a self-signed certificate with subject {@code
   * CN=UptimeMesh cluster CA <clusterId>}, CA:true with path length 0 (it signs only node
   * certificates), key usage keyCertSign and cRLSign, and a subject key identifier.
   *
   * @param clusterId the cluster id, shown in the CA's name
   * @param validity how long the CA certificate is valid from now
   * @param now the current time
   * @return the new CA
   * @throws UptimeMeshException (invalid) if clusterId is blank or validity is not positive
   */
  public static ClusterCa generate(String clusterId, Duration validity, Instant now) {
    if (clusterId == null || clusterId.isBlank()) {
      throw UptimeMeshException.invalid("the cluster id is empty");
    }
    requirePositive(validity);
    KeyPair keyPair = generateP256();
    X500Name name = Names.commonName("UptimeMesh cluster CA " + clusterId);
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  name,
                  randomSerial(),
                  Date.from(now.minus(CLOCK_SKEW)),
                  Date.from(now.plus(validity)),
                  name,
                  keyPair.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  extensions.createSubjectKeyIdentifier(keyPair.getPublic()));
      return new ClusterCa(sign(builder, keyPair.getPrivate()), keyPair.getPrivate());
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot build the cluster CA certificate", e);
    }
  }

  /**
   * Signs a node certificate for a validated CSR: subject {@code CN=nodeId}, the CSR's Ed25519 key,
   * a random positive 128-bit serial, notBefore five minutes before now (clock skew), notAfter at
   * now + validity but never after the CA's own notAfter, CA:false, key usage digitalSignature,
   * extended key usage clientAuth, authority and subject key identifiers, no subject alternative
   * names; signed SHA256withECDSA.
   *
   * @param csr the request as {@link CsrValidator} accepted it
   * @param validity how long the certificate should be valid from now
   * @param now the current time
   * @return the node certificate
   * @throws UptimeMeshException (invalid) if validity is not positive; (internal) if the CA
   *     certificate has expired at now
   */
  public X509Certificate issue(ValidatedCsr csr, Duration validity, Instant now) {
    requirePositive(validity);
    Instant caNotAfter = certificate.getNotAfter().toInstant();
    if (!now.isBefore(caNotAfter)) {
      throw new UptimeMeshException(
          ErrorCode.INTERNAL, "the cluster CA certificate expired at " + caNotAfter);
    }
    Instant wanted = now.plus(validity);
    Instant notAfter = wanted.isAfter(caNotAfter) ? caNotAfter : wanted;
    PublicKey nodeKey = csr.publicKey();
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  certificate,
                  randomSerial(),
                  Date.from(now.minus(CLOCK_SKEW)),
                  Date.from(notAfter),
                  Names.commonName(csr.nodeId()),
                  nodeKey)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
              .addExtension(
                  Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(extensions))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  extensions.createSubjectKeyIdentifier(nodeKey));
      return sign(builder, privateKey);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot sign the node certificate", e);
    }
  }

  /**
   * The CA pin that join tokens carry.
   *
   * @return {@link Fingerprints#sha256(X509Certificate)} of the CA certificate
   */
  public String pin() {
    return Fingerprints.sha256(certificate);
  }

  /** Never prints the private key. */
  @Override
  public String toString() {
    return "ClusterCa[subject=" + certificate.getSubjectX500Principal().getName() + "]";
  }

  /**
   * Copies the CA's own subject key identifier, so the two always match for path building; a CA
   * certificate made elsewhere without one gets the identifier computed from its key.
   */
  private AuthorityKeyIdentifier authorityKeyIdentifier(JcaX509ExtensionUtils extensions) {
    byte[] ski = certificate.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    if (ski == null) {
      return extensions.createAuthorityKeyIdentifier(certificate.getPublicKey());
    }
    byte[] keyId =
        SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(ski).getOctets())
            .getKeyIdentifier();
    return new AuthorityKeyIdentifier(keyId);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws CertificateException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(key);
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot sign with the cluster CA key", e);
    }
  }

  private static KeyPair generateP256() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 is not available", e);
    }
  }

  /** 128 random bits, never zero: RFC 5280 wants a positive serial of at most 20 octets. */
  private static BigInteger randomSerial() {
    BigInteger serial;
    do {
      serial = new BigInteger(128, RANDOM);
    } while (serial.signum() == 0);
    return serial;
  }

  private static void requirePositive(Duration validity) {
    if (validity == null || validity.isNegative() || validity.isZero()) {
      throw UptimeMeshException.invalid("the certificate validity must be positive");
    }
  }
}
