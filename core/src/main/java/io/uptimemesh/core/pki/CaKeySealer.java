package io.uptimemesh.core.pki;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import java.security.PrivateKey;
import java.util.Arrays;

/**
 * Encrypts the CA private key for storage in etcd under a key derived from {@code
 * CLUSTER_SIGNING_KEY}, so the key is never stored in plaintext and every core node configured with
 * the same signing key can sign. The format is {@link SecretBox}'s with the purpose {@value #INFO}.
 */
public final class CaKeySealer {

  static final String PREFIX = SecretBox.PREFIX;
  static final String INFO = "uptimemesh-ca-key-v1";
  static final String WRONG_KEY_MESSAGE =
      "cannot unseal the cluster CA key: CLUSTER_SIGNING_KEY differs from the one it was sealed"
          + " with";

  private static final SecretBox BOX = new SecretBox(INFO);

  private CaKeySealer() {}

  /**
   * Encrypts a private key.
   *
   * @param key the CA private key (any key with a PKCS#8 encoding)
   * @param signingKey the value of {@code CLUSTER_SIGNING_KEY}
   * @return the sealed key, {@code v1:} followed by standard base64
   * @throws UptimeMeshException (invalid) if signingKey is empty or the key has no PKCS#8 encoding
   */
  public static String seal(PrivateKey key, String signingKey) {
    byte[] plaintext = key == null ? null : key.getEncoded();
    if (plaintext == null || !"PKCS#8".equals(key.getFormat())) {
      throw UptimeMeshException.invalid("the private key has no PKCS#8 encoding");
    }
    try {
      return BOX.seal(plaintext, signingKey);
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  /**
   * Decrypts a sealed private key.
   *
   * @param sealed what {@link #seal} returned
   * @param signingKey the value of {@code CLUSTER_SIGNING_KEY}
   * @return the private key (Ed25519 or EC)
   * @throws UptimeMeshException (internal) with message {@value #WRONG_KEY_MESSAGE} if the tag does
   *     not verify, which is what a different signing key causes; (internal) if sealed is
   *     malformed; (invalid) if signingKey is empty
   */
  public static PrivateKey unseal(String sealed, String signingKey) {
    byte[] plaintext = null;
    try {
      plaintext = BOX.open(sealed, signingKey, "the sealed cluster CA key");
      return PrivateKeys.fromPkcs8(plaintext);
    } catch (SecretBox.WrongKeyException e) {
      throw new UptimeMeshException(ErrorCode.INTERNAL, WRONG_KEY_MESSAGE);
    } catch (UptimeMeshException e) {
      if (e.errorCode() == ErrorCode.INTERNAL) {
        throw e;
      }
      // Authentic but not a key we can read: our own data is broken, not the caller's input.
      throw new UptimeMeshException(
          ErrorCode.INTERNAL, "the sealed cluster CA key decrypts to " + e.getMessage());
    } finally {
      if (plaintext != null) {
        Arrays.fill(plaintext, (byte) 0);
      }
    }
  }
}
