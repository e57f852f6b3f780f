package io.uptimemesh.core.pki;

import io.uptimemesh.core.error.UptimeMeshException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/** Checks a node certificate a request presents against the cluster CA. */
public final class CertificateChecks {

  private CertificateChecks() {}

  /**
   * Tells whether the CA issued a certificate: the certificate names the CA as issuer and its
   * signature verifies with the CA's public key.
   *
   * @param cert the presented certificate
   * @param ca the cluster CA certificate
   * @return true if cert was signed by ca's key; false otherwise, including for null arguments
   */
  public static boolean issuedBy(X509Certificate cert, X509Certificate ca) {
    if (cert == null || ca == null) {
      return false;
    }
    if (!cert.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
      return false;
    }
    try {
      cert.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Tells whether a certificate is within its validity window.
   *
   * @param cert the certificate
   * @param now the current time
   * @return true if now is within [notBefore, notAfter], both ends included
   */
  public static boolean validAt(X509Certificate cert, Instant now) {
    return !now.isBefore(cert.getNotBefore().toInstant())
        && !now.isAfter(cert.getNotAfter().toInstant());
  }

  /**
   * Reads the common name of a certificate's subject, which for node certificates is the node id.
   *
   * @param cert the certificate
   * @return the subject's only CN
   * @throws UptimeMeshException (invalid) if the subject has no CN or more than one
   */
  public static String commonName(X509Certificate cert) {
    X500Name subject = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
    RDN[] cns = subject.getRDNs(BCStyle.CN);
    if (cns.length != 1 || cns[0].isMultiValued()) {
      throw UptimeMeshException.invalid("the certificate subject does not have exactly one CN");
    }
    if (!(cns[0].getFirst().getValue() instanceof ASN1String cn)) {
      throw UptimeMeshException.invalid("the certificate subject CN is not a string");
    }
    return cn.getString();
  }
}
