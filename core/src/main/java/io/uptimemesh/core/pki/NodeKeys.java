package io.uptimemesh.core.pki;

import io.uptimemesh.core.error.UptimeMeshException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcEdECContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;

/** The node side of enrolment: the node's Ed25519 key pair and the CSR it sends when joining. */
public final class NodeKeys {

  private NodeKeys() {}

  /**
   * Generates a node key pair.
   *
   * @return a fresh Ed25519 key pair from {@link SecureRandom}
   */
  public static KeyPair generateEd25519() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
      generator.initialize(NamedParameterSpec.ED25519, new SecureRandom());
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      // Java 15+ always provides Ed25519.
      throw new IllegalStateException("Ed25519 is not available", e);
    }
  }

  /**
   * Builds the CSR a node sends to join: subject {@code CN=nodeId}, no attributes or extensions,
   * signed with the node's Ed25519 key.
   *
   * @param keyPair the node's Ed25519 key pair
   * @param nodeId the node id the join token was issued for
   * @return the CSR as a {@code CERTIFICATE REQUEST} PEM block
   * @throws UptimeMeshException (invalid) if nodeId is blank or the keys are not Ed25519
   */
  public static String csrPem(KeyPair keyPair, String nodeId) {
    if (nodeId == null || nodeId.isBlank()) {
      throw UptimeMeshException.invalid("the node id is empty");
    }
    SubjectPublicKeyInfo publicKeyInfo =
        SubjectPublicKeyInfo.getInstance(keyPair.getPublic().getEncoded());
    if (!EdECObjectIdentifiers.id_Ed25519.equals(publicKeyInfo.getAlgorithm().getAlgorithm())) {
      throw UptimeMeshException.invalid("the public key is not an Ed25519 key");
    }
    try {
      ContentSigner signer =
          new BcEdECContentSignerBuilder(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519))
              .build(Ed25519Keys.privateParameters(keyPair.getPrivate()));
      return Pem.csr(
          new PKCS10CertificationRequestBuilder(Names.commonName(nodeId), publicKeyInfo)
              .build(signer));
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("Ed25519 signing is not available", e);
    }
  }
}
