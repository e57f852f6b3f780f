package io.uptimemesh.core.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.UptimeMeshException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

class CertificateChecksTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  private final ClusterCa ca = ClusterCa.generate("c1", Duration.ofDays(365), NOW);
  private final KeyPair nodeKeys = NodeKeys.generateEd25519();
  private final X509Certificate cert =
      ca.issue(new ValidatedCsr("node-1", nodeKeys.getPublic()), Duration.ofDays(10), NOW);

  @Test
  void validityWindowIncludesBothEnds() {
    Instant notBefore = Instant.parse("2026-03-01T11:55:00Z");
    Instant notAfter = Instant.parse("2026-03-11T12:00:00Z");

    assertThat(CertificateChecks.validAt(cert, notBefore)).isTrue();
    assertThat(CertificateChecks.validAt(cert, notAfter)).isTrue();
    assertThat(CertificateChecks.validAt(cert, NOW)).isTrue();
    assertThat(CertificateChecks.validAt(cert, notBefore.minusSeconds(1))).isFalse();
    assertThat(CertificateChecks.validAt(cert, notAfter.plusSeconds(1))).isFalse();
  }

  @Test
  void issuedByChecksTheSignature() {
    assertThat(CertificateChecks.issuedBy(cert, ca.certificate())).isTrue();
    assertThat(CertificateChecks.issuedBy(ca.certificate(), ca.certificate())).isTrue();
    assertThat(CertificateChecks.issuedBy(null, ca.certificate())).isFalse();
  }

  @Test
  void aCertificateWithTheCasNameButAnotherKeyIsNotIssuedByIt() throws Exception {
    // An impostor CA with the same subject name: only the signature tells them apart.
    ClusterCa impostor = ClusterCa.generate("c1", Duration.ofDays(365), NOW);
    X509Certificate forged =
        impostor.issue(new ValidatedCsr("node-1", nodeKeys.getPublic()), Duration.ofDays(10), NOW);

    assertThat(forged.getIssuerX500Principal())
        .isEqualTo(ca.certificate().getSubjectX500Principal());
    assertThat(CertificateChecks.issuedBy(forged, ca.certificate())).isFalse();
  }

  @Test
  void readsTheCommonName() {
    assertThat(CertificateChecks.commonName(cert)).isEqualTo("node-1");
  }

  @Test
  void refusesASubjectWithoutOneCn() throws Exception {
    KeyPair keys = TestCsrs.ecP256();
    X500Name name = new X500Name("O=no common name");
    X509Certificate noCn =
        new JcaX509CertificateConverter()
            .getCertificate(
                new JcaX509v3CertificateBuilder(
                        name,
                        BigInteger.ONE,
                        Date.from(NOW),
                        Date.from(NOW.plusSeconds(60)),
                        name,
                        keys.getPublic())
                    .build(
                        new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));

    assertThatThrownBy(() -> CertificateChecks.commonName(noCn))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessage("the certificate subject does not have exactly one CN");
  }
}
