package io.uptimemesh.core.pki;

import io.uptimemesh.core.error.UptimeMeshException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcEdDSAContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Decides whether a node's certificate request may be signed. The CA copies nothing from a request
 * but the node id and the public key, yet a request that asks for more is refused rather than
 * silently trimmed, so a misbehaving client learns what it did wrong.
 */
public final class CsrValidator {

  private CsrValidator() {}

  /**
   * Checks a CSR: it parses; its key is Ed25519; its signature verifies with that key; its subject
   * is exactly {@code CN=expectedNodeId}; it requests no extensions and carries no other
   * attributes. The key type is checked before the signature so that an RSA or EC request gets a
   * message about the key rather than about its signature.
   *
   * @param csrPem the request as a {@code CERTIFICATE REQUEST} PEM block
   * @param expectedNodeId the node id the request must be for
   * @return the node id and public key to certify
   * @throws UptimeMeshException (invalid) naming the first problem found
   */
  public static ValidatedCsr validate(String csrPem, String expectedNodeId) {
    if (expectedNodeId == null || expectedNodeId.isBlank()) {
      throw UptimeMeshException.invalid("the expected node id is empty");
    }
    PKCS10CertificationRequest csr = Pem.parseCsr(csrPem);
    SubjectPublicKeyInfo keyInfo = csr.getSubjectPublicKeyInfo();
    requireEd25519(keyInfo);
    Ed25519PublicKeyParameters key = Ed25519Keys.publicParameters(keyInfo);
    requireValidSignature(csr, key);
    requireSubject(csr, expectedNodeId);
    requireNoAttributes(csr);
    return new ValidatedCsr(expectedNodeId, jdkPublicKey(keyInfo));
  }

  private static void requireEd25519(SubjectPublicKeyInfo keyInfo) {
    ASN1ObjectIdentifier algorithm = keyInfo.getAlgorithm().getAlgorithm();
    if (EdECObjectIdentifiers.id_Ed25519.equals(algorithm)) {
      return;
    }
    String found;
    if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
      found = "an RSA key";
    } else if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
      found = "an EC key";
    } else {
      found = "a key of type " + algorithm.getId();
    }
    throw UptimeMeshException.invalid(
        "the CSR has " + found + "; node keys must be Ed25519 (uptimemesh generates them)");
  }

  private static void requireValidSignature(
      PKCS10CertificationRequest csr, Ed25519PublicKeyParameters key) {
    if (!EdECObjectIdentifiers.id_Ed25519.equals(csr.getSignatureAlgorithm().getAlgorithm())) {
      throw UptimeMeshException.invalid("the CSR is not signed with Ed25519");
    }
    boolean valid;
    try {
      ContentVerifierProvider verifier = new BcEdDSAContentVerifierProviderBuilder().build(key);
      valid = csr.isSignatureValid(verifier);
    } catch (OperatorCreationException | PKCSException | RuntimeException e) {
      valid = false;
    }
    if (!valid) {
      throw UptimeMeshException.invalid("the CSR signature does not verify with its public key");
    }
  }

  private static void requireSubject(PKCS10CertificationRequest csr, String expectedNodeId) {
    RDN[] rdns = csr.getSubject().getRDNs();
    if (rdns.length != 1 || rdns[0].isMultiValued()) {
      throw UptimeMeshException.invalid(
          "the CSR subject must be exactly CN=" + expectedNodeId + ", with no other attributes");
    }
    AttributeTypeAndValue only = rdns[0].getFirst();
    if (!BCStyle.CN.equals(only.getType())) {
      throw UptimeMeshException.invalid(
          "the CSR subject must be exactly CN=" + expectedNodeId + ", with no other attributes");
    }
    // The CN comes from the client; it is compared, never echoed.
    if (!(only.getValue() instanceof ASN1String cn) || !expectedNodeId.equals(cn.getString())) {
      throw UptimeMeshException.invalid(
          "the CSR subject CN is not the node id " + expectedNodeId + " this join is for");
    }
  }

  private static void requireNoAttributes(PKCS10CertificationRequest csr) {
    for (Attribute attribute : csr.getAttributes()) {
      if (!PKCSObjectIdentifiers.pkcs_9_at_extensionRequest.equals(attribute.getAttrType())) {
        throw UptimeMeshException.invalid("the CSR carries attributes this cluster does not allow");
      }
      Extensions extensions = requestedExtensions(attribute.getAttrValues());
      if (extensions.getExtension(Extension.subjectAlternativeName) != null) {
        throw UptimeMeshException.invalid("the CSR asks for names this cluster does not allow");
      }
      if (extensions.getExtensionOIDs().length > 0) {
        throw UptimeMeshException.invalid(
            "the CSR requests extensions this cluster does not allow; the CA sets them all");
      }
    }
  }

  private static Extensions requestedExtensions(ASN1Set values) {
    if (values.size() != 1) {
      throw UptimeMeshException.invalid("the CSR extension request is malformed");
    }
    try {
      return Extensions.getInstance(values.getObjectAt(0));
    } catch (RuntimeException e) {
      throw UptimeMeshException.invalid("the CSR extension request is malformed");
    }
  }

  private static PublicKey jdkPublicKey(SubjectPublicKeyInfo keyInfo) {
    try {
      return KeyFactory.getInstance("Ed25519")
          .generatePublic(new X509EncodedKeySpec(keyInfo.getEncoded(ASN1Encoding.DER)));
    } catch (GeneralSecurityException | IOException e) {
      throw UptimeMeshException.invalid("the CSR public key is not a valid Ed25519 key");
    }
  }
}
