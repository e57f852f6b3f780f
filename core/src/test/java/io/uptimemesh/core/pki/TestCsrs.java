package io.uptimemesh.core.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Builds CSRs a well-behaved node would never send. */
final class TestCsrs {

  private TestCsrs() {}

  static KeyPair rsa() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  static KeyPair ecP256() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  static PKCS10CertificationRequestBuilder builder(KeyPair keys, String subject) {
    return new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keys.getPublic());
  }

  static String pem(PKCS10CertificationRequestBuilder builder, KeyPair keys, String algorithm)
      throws OperatorCreationException {
    PKCS10CertificationRequest csr =
        builder.build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate()));
    return Pem.csr(csr);
  }

  static String ed25519(PKCS10CertificationRequestBuilder builder, KeyPair keys)
      throws OperatorCreationException {
    return pem(builder, keys, "Ed25519");
  }
}
