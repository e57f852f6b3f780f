package io.uptimemesh.core.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

class PemTest {

  /** RFC 8032 section 7.1, test 1. */
  private static final String RFC8032_SECRET =
      "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

  @Test
  void certificateRoundTrips() {
    X509Certificate cert =
        ClusterCa.generate("c1", Duration.ofDays(1), Instant.now()).certificate();

    String pem = Pem.certificate(cert);

    assertThat(pem)
        .startsWith("-----BEGIN CERTIFICATE-----\n")
        .endsWith("-----END CERTIFICATE-----\n");
    assertThat(Pem.parseCertificate(pem)).isEqualTo(cert);
  }

  @Test
  void csrRoundTrips() throws Exception {
    String pem = NodeKeys.csrPem(NodeKeys.generateEd25519(), "node-1");

    PKCS10CertificationRequest csr = Pem.parseCsr(pem);

    assertThat(pem).startsWith("-----BEGIN CERTIFICATE REQUEST-----\n");
    assertThat(Pem.csr(csr)).isEqualTo(pem);
    assertThat(csr.getSubject().toString()).isEqualTo("CN=node-1");
  }

  @Test
  void ed25519PrivateKeyRoundTrips() {
    KeyPair keys = NodeKeys.generateEd25519();

    String pem = Pem.privateKey(keys.getPrivate());
    PrivateKey parsed = Pem.parsePrivateKey(pem);

    assertThat(pem)
        .startsWith("-----BEGIN PRIVATE KEY-----\n")
        .endsWith("-----END PRIVATE KEY-----\n");
    assertThat(parsed.getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
  }

  @Test
  void ecPrivateKeyRoundTrips() {
    PrivateKey key = ClusterCa.generate("c1", Duration.ofDays(1), Instant.now()).privateKey();

    PrivateKey parsed = Pem.parsePrivateKey(Pem.privateKey(key));

    assertThat(parsed.getAlgorithm()).isEqualTo("EC");
    assertThat(parsed.getEncoded()).isEqualTo(key.getEncoded());
  }

  @Test
  void readsTheKnownEd25519Encoding() {
    // The PKCS#8 v1 encoding of the RFC 8032 key, as openssl writes it.
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
            + "-----END PRIVATE KEY-----\n";

    PrivateKey key = Pem.parsePrivateKey(pem);

    assertThat(HexFormat.of().formatHex(key.getEncoded()))
        .isEqualTo("302e020100300506032b657004220420" + RFC8032_SECRET);
  }

  @Test
  void readsAnEd25519KeyWithItsPublicKeyIncluded() throws Exception {
    // Bouncy Castle writes RFC 5958 v2 keys, which carry the public key too.
    PrivateKeyInfo v2 =
        PrivateKeyInfoFactory.createPrivateKeyInfo(
            new Ed25519PrivateKeyParameters(HexFormat.of().parseHex(RFC8032_SECRET)));
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(v2.getEncoded())
            + "\n-----END PRIVATE KEY-----\n";

    PrivateKey key = Pem.parsePrivateKey(pem);

    assertThat(HexFormat.of().formatHex(key.getEncoded())).endsWith(RFC8032_SECRET);
  }

  @Test
  void refusesMalformedInput() {
    assertInvalid(() -> Pem.parseCertificate(null), "the certificate PEM is empty");
    assertInvalid(() -> Pem.parseCertificate("not pem"), "the certificate is not PEM-encoded");
    assertInvalid(
        () -> Pem.parseCertificate(block("CERTIFICATE", "AAAA")),
        "the certificate PEM does not hold a valid certificate");
    assertInvalid(
        () -> Pem.parseCertificate("-----BEGIN CERTIFICATE-----\nAAAA\n"),
        "the certificate PEM is malformed");
    assertInvalid(
        () -> Pem.parseCsr(block("CERTIFICATE REQUEST", "MAA=")),
        "the certificate request PEM does not hold a valid PKCS#10 request");
    assertInvalid(
        () -> Pem.parsePrivateKey(block("PRIVATE KEY", "MAA=")),
        "the private key is not valid PKCS#8");
    assertInvalid(
        () -> Pem.parsePrivateKey(block("EC PRIVATE KEY", "MAA=")),
        "expected a PEM block of type PRIVATE KEY but found EC PRIVATE KEY");
    assertInvalid(
        () -> Pem.parseCertificate("x".repeat(70_000)),
        "the certificate PEM is longer than 65536 characters");
  }

  @Test
  void refusesTwoBlocks() {
    X509Certificate cert =
        ClusterCa.generate("c1", Duration.ofDays(1), Instant.now()).certificate();
    String pem = Pem.certificate(cert);

    assertInvalid(
        () -> Pem.parseCertificate(pem + pem), "the certificate PEM holds more than one block");
  }

  @Test
  void refusesAnRsaPrivateKeyWithoutShowingIt() throws Exception {
    String pem = Pem.privateKey(TestCsrs.rsa().getPrivate());

    assertThatThrownBy(() -> Pem.parsePrivateKey(pem))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessage("the private key is of an unsupported type; expected Ed25519 or EC")
        .hasNoCause();
  }

  private static String block(String type, String base64) {
    return "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n";
  }

  private static void assertInvalid(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
    assertThatThrownBy(call)
        .isInstanceOf(UptimeMeshException.class)
        .hasMessage(message)
        .satisfies(
            e ->
                assertThat(((UptimeMeshException) e).errorCode())
                    .isEqualTo(ErrorCode.INVALID_REQUEST));
  }
}
