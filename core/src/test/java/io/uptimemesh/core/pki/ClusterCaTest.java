package io.uptimemesh.core.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.Test;

class ClusterCaTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  private final ClusterCa ca = ClusterCa.generate("prod-eu", Duration.ofDays(3650), NOW);
  private final KeyPair nodeKeys = NodeKeys.generateEd25519();

  @Test
  void generatesASelfSignedP256Ca() throws Exception {
    X509Certificate cert = ca.certificate();

    assertThat(cert.getSubjectX500Principal().getName())
        .isEqualTo("CN=UptimeMesh cluster CA prod-eu");
    assertThat(cert.getIssuerX500Principal()).isEqualTo(cert.getSubjectX500Principal());
    cert.verify(cert.getPublicKey());
    assertThat(cert.getPublicKey()).isInstanceOf(ECPublicKey.class);
    assertThat(((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize())
        .isEqualTo(256);
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(ca.privateKey().getAlgorithm()).isEqualTo("EC");
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(Instant.parse("2026-03-01T11:55:00Z"));
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(Instant.parse("2036-02-27T12:00:00Z"));
  }

  @Test
  void caCertificateHasCaExtensions() {
    X509Certificate cert = ca.certificate();

    // getBasicConstraints() is -1 for CA:false, else the path length: 0 means CA:true, pathlen:0.
    assertThat(cert.getBasicConstraints()).isEqualTo(0);
    // keyUsage bits: 0 digitalSignature ... 5 keyCertSign, 6 cRLSign.
    assertThat(cert.getKeyUsage()).startsWith(false, false, false, false, false, true, true, false);
    assertThat(cert.getCriticalExtensionOIDs())
        .containsExactlyInAnyOrder(Extension.basicConstraints.getId(), Extension.keyUsage.getId());
    assertThat(cert.getExtensionValue(Extension.subjectKeyIdentifier.getId())).isNotNull();
  }

  @Test
  void pinIsTheCertificateFingerprint() throws Exception {
    assertThat(ca.pin())
        .matches("[0-9a-f]{64}")
        .isEqualTo(Fingerprints.sha256(ca.certificate().getEncoded()));
  }

  @Test
  void issuesANodeCertificate() throws Exception {
    ValidatedCsr csr = CsrValidator.validate(NodeKeys.csrPem(nodeKeys, "node-7"), "node-7");

    X509Certificate cert = ca.issue(csr, Duration.ofDays(90), NOW);

    assertThat(CertificateChecks.issuedBy(cert, ca.certificate())).isTrue();
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=node-7");
    assertThat(CertificateChecks.commonName(cert)).isEqualTo("node-7");
    assertThat(cert.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
    assertThat(cert.getPublicKey().getEncoded()).isEqualTo(nodeKeys.getPublic().getEncoded());
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(Instant.parse("2026-03-01T11:55:00Z"));
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(Instant.parse("2026-05-30T12:00:00Z"));
    assertThat(cert.getSerialNumber().signum()).isEqualTo(1);
    assertThat(cert.getSerialNumber().bitLength()).isLessThanOrEqualTo(128);
  }

  @Test
  void nodeCertificateHasClientExtensionsAndNoNames() throws Exception {
    X509Certificate cert = issue("node-7");

    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(cert.getKeyUsage())
        .startsWith(true, false, false, false, false, false, false, false, false);
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(cert.getSubjectAlternativeNames()).isNull();
    assertThat(cert.getCriticalExtensionOIDs())
        .containsExactlyInAnyOrder(Extension.basicConstraints.getId(), Extension.keyUsage.getId());
    assertThat(cert.getNonCriticalExtensionOIDs())
        .containsExactlyInAnyOrder(
            Extension.extendedKeyUsage.getId(),
            Extension.authorityKeyIdentifier.getId(),
            Extension.subjectKeyIdentifier.getId());
  }

  @Test
  void authorityKeyIdentifierIsTheCaSubjectKeyIdentifier() throws Exception {
    X509Certificate cert = issue("node-7");

    byte[] caSki =
        SubjectKeyIdentifier.getInstance(
                octets(ca.certificate(), Extension.subjectKeyIdentifier.getId()))
            .getKeyIdentifier();
    AuthorityKeyIdentifier aki =
        AuthorityKeyIdentifier.getInstance(octets(cert, Extension.authorityKeyIdentifier.getId()));
    byte[] nodeSki =
        SubjectKeyIdentifier.getInstance(octets(cert, Extension.subjectKeyIdentifier.getId()))
            .getKeyIdentifier();

    assertThat(aki.getKeyIdentifierOctets()).hasSize(20).isEqualTo(caSki);
    assertThat(aki.getAuthorityCertIssuer()).isNull();
    assertThat(nodeSki).hasSize(20).isNotEqualTo(caSki);
  }

  @Test
  void capsValidityAtTheCasNotAfter() throws Exception {
    ClusterCa shortCa = ClusterCa.generate("c", Duration.ofDays(30), NOW);
    ValidatedCsr csr = CsrValidator.validate(NodeKeys.csrPem(nodeKeys, "node-7"), "node-7");

    X509Certificate cert = shortCa.issue(csr, Duration.ofDays(365), NOW.plus(Duration.ofDays(1)));

    assertThat(cert.getNotAfter().toInstant()).isEqualTo(Instant.parse("2026-03-31T12:00:00Z"));
    assertThat(cert.getNotAfter()).isEqualTo(shortCa.certificate().getNotAfter());
  }

  @Test
  void serialsAreRandom() throws Exception {
    BigInteger first = issue("node-7").getSerialNumber();
    BigInteger second = issue("node-7").getSerialNumber();

    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void refusesToIssueOnceTheCaHasExpired() {
    ValidatedCsr csr = new ValidatedCsr("node-7", nodeKeys.getPublic());

    assertThatThrownBy(() -> ca.issue(csr, Duration.ofDays(1), NOW.plus(Duration.ofDays(3651))))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageStartingWith("the cluster CA certificate expired at")
        .satisfies(
            e -> assertThat(((UptimeMeshException) e).errorCode()).isEqualTo(ErrorCode.INTERNAL));
  }

  @Test
  void refusesNonPositiveValidityAndBlankClusterId() {
    ValidatedCsr csr = new ValidatedCsr("node-7", nodeKeys.getPublic());

    assertThatThrownBy(() -> ca.issue(csr, Duration.ZERO, NOW))
        .hasMessage("the certificate validity must be positive");
    assertThatThrownBy(() -> ClusterCa.generate(" ", Duration.ofDays(1), NOW))
        .hasMessage("the cluster id is empty");
  }

  @Test
  void toStringLeavesOutThePrivateKey() {
    assertThat(ca.toString()).isEqualTo("ClusterCa[subject=CN=UptimeMesh cluster CA prod-eu]");
  }

  @Test
  void anotherCaDidNotIssueTheCertificate() throws Exception {
    ClusterCa other = ClusterCa.generate("prod-eu", Duration.ofDays(3650), NOW);

    X509Certificate cert = issue("node-7");

    assertThat(CertificateChecks.issuedBy(cert, other.certificate())).isFalse();
    assertThat(CertificateChecks.issuedBy(other.certificate(), ca.certificate())).isFalse();
  }

  private X509Certificate issue(String nodeId) {
    return ca.issue(
        CsrValidator.validate(NodeKeys.csrPem(nodeKeys, nodeId), nodeId), Duration.ofDays(90), NOW);
  }

  private static byte[] octets(X509Certificate cert, String oid) {
    return ASN1OctetString.getInstance(cert.getExtensionValue(oid)).getOctets();
  }
}
