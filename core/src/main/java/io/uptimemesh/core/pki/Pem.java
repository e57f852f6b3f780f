package io.uptimemesh.core.pki;

import io.uptimemesh.core.error.UptimeMeshException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * PEM encoding and decoding of certificates, certificate requests and PKCS#8 private keys. Every
 * parse method takes exactly one PEM block of the expected type and throws {@link
 * UptimeMeshException#invalid(String)} on anything else; messages never quote the input, which may
 * be a private key.
 */
public final class Pem {

  static final String CERTIFICATE = "CERTIFICATE";
  static final String CERTIFICATE_REQUEST = "CERTIFICATE REQUEST";
  static final String PRIVATE_KEY = "PRIVATE KEY";

  /** Far above any certificate, CSR or key we handle; refuses absurd input before decoding it. */
  private static final int MAX_PEM_CHARS = 64 * 1024;

  private Pem() {}

  /**
   * Encodes a certificate.
   *
   * @param cert the certificate
   * @return a {@code CERTIFICATE} PEM block ending with a newline
   * @throws UptimeMeshException (invalid) if the certificate cannot be encoded
   */
  public static String certificate(X509Certificate cert) {
    try {
      return encode(CERTIFICATE, cert.getEncoded());
    } catch (CertificateEncodingException e) {
      throw UptimeMeshException.invalid("the certificate cannot be DER-encoded");
    }
  }

  /**
   * Decodes a certificate.
   *
   * @param pem one {@code CERTIFICATE} PEM block
   * @return the certificate
   * @throws UptimeMeshException (invalid) if pem is not exactly one well-formed certificate
   */
  public static X509Certificate parseCertificate(String pem) {
    byte[] der = decode(pem, CERTIFICATE, "certificate");
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException | RuntimeException e) {
      throw UptimeMeshException.invalid("the certificate PEM does not hold a valid certificate");
    }
  }

  /**
   * Encodes a certificate signing request.
   *
   * @param csr the request
   * @return a {@code CERTIFICATE REQUEST} PEM block ending with a newline
   * @throws UptimeMeshException (invalid) if the request cannot be encoded
   */
  public static String csr(PKCS10CertificationRequest csr) {
    try {
      return encode(CERTIFICATE_REQUEST, csr.getEncoded());
    } catch (IOException e) {
      throw UptimeMeshException.invalid("the certificate request cannot be DER-encoded");
    }
  }

  /**
   * Decodes a certificate signing request. The signature is not checked here; {@link CsrValidator}
   * does that.
   *
   * @param pem one {@code CERTIFICATE REQUEST} PEM block
   * @return the request
   * @throws UptimeMeshException (invalid) if pem is not exactly one well-formed request
   */
  public static PKCS10CertificationRequest parseCsr(String pem) {
    byte[] der = decode(pem, CERTIFICATE_REQUEST, "certificate request");
    try {
      return new PKCS10CertificationRequest(der);
    } catch (IOException | RuntimeException e) {
      // BC reports malformed ASN.1 with assorted runtime exceptions as well as IOException.
      throw UptimeMeshException.invalid(
          "the certificate request PEM does not hold a valid PKCS#10 request");
    }
  }

  /**
   * Encodes a private key as unencrypted PKCS#8.
   *
   * @param key an Ed25519 or EC private key
   * @return a {@code PRIVATE KEY} PEM block ending with a newline
   * @throws UptimeMeshException (invalid) if the key has no PKCS#8 encoding
   */
  public static String privateKey(PrivateKey key) {
    byte[] der = key.getEncoded();
    if (der == null || !"PKCS#8".equals(key.getFormat())) {
      throw UptimeMeshException.invalid("the private key has no PKCS#8 encoding");
    }
    return encode(PRIVATE_KEY, der);
  }

  /**
   * Decodes an unencrypted PKCS#8 private key.
   *
   * @param pem one {@code PRIVATE KEY} PEM block
   * @return an Ed25519 or EC private key
   * @throws UptimeMeshException (invalid) if pem is malformed or holds another kind of key
   */
  public static PrivateKey parsePrivateKey(String pem) {
    return PrivateKeys.fromPkcs8(decode(pem, PRIVATE_KEY, "private key"));
  }

  private static String encode(String type, byte[] der) {
    StringWriter out = new StringWriter();
    try (PemWriter writer = new PemWriter(out)) {
      writer.writeObject(new PemObject(type, der));
    } catch (IOException e) {
      // A StringWriter does not fail.
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /**
   * Returns the DER content of the only PEM block in text, which must be of the expected type. Text
   * around the block is ignored, as with openssl; a second block is refused.
   */
  private static byte[] decode(String text, String type, String what) {
    if (text == null || text.isBlank()) {
      throw UptimeMeshException.invalid("the " + what + " PEM is empty");
    }
    if (text.length() > MAX_PEM_CHARS) {
      throw UptimeMeshException.invalid(
          "the " + what + " PEM is longer than " + MAX_PEM_CHARS + " characters");
    }
    try (PemReader reader = new PemReader(new StringReader(text))) {
      PemObject object = reader.readPemObject();
      if (object == null) {
        throw UptimeMeshException.invalid("the " + what + " is not PEM-encoded");
      }
      if (!type.equals(object.getType())) {
        throw UptimeMeshException.invalid(
            "expected a PEM block of type " + type + " but found " + safeType(object.getType()));
      }
      if (reader.readPemObject() != null) {
        throw UptimeMeshException.invalid("the " + what + " PEM holds more than one block");
      }
      if (object.getContent().length == 0) {
        throw UptimeMeshException.invalid("the " + what + " PEM block is empty");
      }
      return object.getContent();
    } catch (IOException | RuntimeException e) {
      if (e instanceof UptimeMeshException known) {
        throw known;
      }
      // Bad base64 or an unterminated block.
      throw UptimeMeshException.invalid("the " + what + " PEM is malformed");
    }
  }

  /** The type label is from a header line we parsed; show it only if it looks like one. */
  private static String safeType(String type) {
    return type.matches("[A-Z0-9 ]{1,40}") ? type : "another type";
  }
}
