package io.uptimemesh.core.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import java.security.KeyPair;
import java.util.Base64;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

class CsrValidatorTest {

  private final KeyPair nodeKeys = NodeKeys.generateEd25519();

  @Test
  void acceptsTheCsrANodeBuilds() {
    ValidatedCsr validated = CsrValidator.validate(NodeKeys.csrPem(nodeKeys, "node-7"), "node-7");

    assertThat(validated.nodeId()).isEqualTo("node-7");
    assertThat(validated.publicKey().getAlgorithm()).isIn("Ed25519", "EdDSA");
    assertThat(validated.publicKey().getEncoded()).isEqualTo(nodeKeys.getPublic().getEncoded());
  }

  @Test
  void refusesAnRsaKey() throws Exception {
    KeyPair rsa = TestCsrs.rsa();
    String pem = TestCsrs.pem(TestCsrs.builder(rsa, "CN=node-7"), rsa, "SHA256withRSA");

    assertInvalid(pem, "node-7", "the CSR has an RSA key; node keys must be Ed25519");
  }

  @Test
  void refusesAnEcKey() throws Exception {
    KeyPair ec = TestCsrs.ecP256();
    String pem = TestCsrs.pem(TestCsrs.builder(ec, "CN=node-7"), ec, "SHA256withECDSA");

    assertInvalid(pem, "node-7", "the CSR has an EC key; node keys must be Ed25519");
  }

  @Test
  void refusesAnotherNodesName() {
    assertInvalid(
        NodeKeys.csrPem(nodeKeys, "node-8"),
        "node-7",
        "the CSR subject CN is not the node id node-7 this join is for");
  }

  @Test
  void refusesAnExtraSubjectAttribute() throws Exception {
    String pem = TestCsrs.ed25519(TestCsrs.builder(nodeKeys, "CN=node-7,O=Evil Corp"), nodeKeys);

    assertInvalid(
        pem, "node-7", "the CSR subject must be exactly CN=node-7, with no other attributes");
  }

  @Test
  void refusesAMultiValuedSubject() throws Exception {
    String pem = TestCsrs.ed25519(TestCsrs.builder(nodeKeys, "CN=node-7+OU=ops"), nodeKeys);

    assertInvalid(
        pem, "node-7", "the CSR subject must be exactly CN=node-7, with no other attributes");
  }

  @Test
  void refusesASubjectWithoutCn() throws Exception {
    String pem = TestCsrs.ed25519(TestCsrs.builder(nodeKeys, "O=node-7"), nodeKeys);

    assertInvalid(
        pem, "node-7", "the CSR subject must be exactly CN=node-7, with no other attributes");
  }

  @Test
  void refusesRequestedSubjectAlternativeNames() throws Exception {
    ExtensionsGenerator extensions = new ExtensionsGenerator();
    extensions.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(new GeneralName(GeneralName.dNSName, "admin.example.org")));
    PKCS10CertificationRequestBuilder builder =
        TestCsrs.builder(nodeKeys, "CN=node-7")
            .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());

    assertInvalid(
        TestCsrs.ed25519(builder, nodeKeys),
        "node-7",
        "the CSR asks for names this cluster does not allow");
  }

  @Test
  void refusesOtherRequestedExtensions() throws Exception {
    ExtensionsGenerator extensions = new ExtensionsGenerator();
    extensions.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    PKCS10CertificationRequestBuilder builder =
        TestCsrs.builder(nodeKeys, "CN=node-7")
            .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());

    assertInvalid(
        TestCsrs.ed25519(builder, nodeKeys),
        "node-7",
        "the CSR requests extensions this cluster does not allow");
  }

  @Test
  void acceptsAnEmptyExtensionRequest() throws Exception {
    PKCS10CertificationRequestBuilder builder =
        TestCsrs.builder(nodeKeys, "CN=node-7")
            .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, new DERSequence());

    assertThat(CsrValidator.validate(TestCsrs.ed25519(builder, nodeKeys), "node-7").nodeId())
        .isEqualTo("node-7");
  }

  @Test
  void refusesOtherAttributes() throws Exception {
    PKCS10CertificationRequestBuilder builder =
        TestCsrs.builder(nodeKeys, "CN=node-7")
            .addAttribute(
                PKCSObjectIdentifiers.pkcs_9_at_challengePassword,
                new DERPrintableString("letmein"));

    assertInvalid(
        TestCsrs.ed25519(builder, nodeKeys),
        "node-7",
        "the CSR carries attributes this cluster does not allow");
  }

  @Test
  void refusesATamperedCsr() throws Exception {
    byte[] der = Pem.parseCsr(NodeKeys.csrPem(nodeKeys, "node-7")).getEncoded();
    // The signature BIT STRING ends the DER; flipping its last byte breaks only the signature.
    der[der.length - 1] ^= 0x01;
    String tampered =
        "-----BEGIN CERTIFICATE REQUEST-----\n"
            + Base64.getMimeEncoder().encodeToString(der)
            + "\n-----END CERTIFICATE REQUEST-----\n";

    assertInvalid(tampered, "node-7", "the CSR signature does not verify with its public key");
  }

  @Test
  void refusesACsrSignedByAnotherKey() throws Exception {
    KeyPair other = NodeKeys.generateEd25519();
    KeyPair mixed = new KeyPair(nodeKeys.getPublic(), other.getPrivate());
    String pem = TestCsrs.ed25519(TestCsrs.builder(nodeKeys, "CN=node-7"), mixed);

    assertInvalid(pem, "node-7", "the CSR signature does not verify with its public key");
  }

  @Test
  void refusesGarbage() {
    assertInvalid("hello", "node-7", "the certificate request is not PEM-encoded");
    assertInvalid("", "node-7", "the certificate request PEM is empty");
    assertInvalid(
        "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
        "node-7",
        "the certificate request PEM does not hold a valid PKCS#10 request");
    assertInvalid(
        "-----BEGIN CERTIFICATE REQUEST-----\n!!!!\n-----END CERTIFICATE REQUEST-----\n",
        "node-7",
        "the certificate request PEM is malformed");
  }

  @Test
  void refusesAnotherPemType() {
    ClusterCa ca = ClusterCa.generate("c1", java.time.Duration.ofDays(1), java.time.Instant.now());

    assertInvalid(
        Pem.certificate(ca.certificate()),
        "node-7",
        "expected a PEM block of type CERTIFICATE REQUEST but found CERTIFICATE");
  }

  @Test
  void refusesABlankExpectedNodeId() {
    assertInvalid(NodeKeys.csrPem(nodeKeys, "node-7"), " ", "the expected node id is empty");
  }

  private static void assertInvalid(String pem, String nodeId, String messageStart) {
    assertThatThrownBy(() -> CsrValidator.validate(pem, nodeId))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageStartingWith(messageStart)
        .satisfies(
            e ->
                assertThat(((UptimeMeshException) e).errorCode())
                    .isEqualTo(ErrorCode.INVALID_REQUEST));
  }
}
