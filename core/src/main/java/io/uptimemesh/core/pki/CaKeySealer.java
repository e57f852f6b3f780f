package io.uptimemesh.core.pki;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * Encrypts the CA private key for storage in etcd under a key derived from {@code
 * CLUSTER_SIGNING_KEY}, so the key is never stored in plaintext and every core node configured with
 * the same signing key can sign.
 *
 * <p>Format: {@code "v1:" + base64(salt(16) | nonce(12) | AES-256-GCM ciphertext and tag(16))}. The
 * AES key is HKDF-SHA256 over the UTF-8 signing key with that salt and the info {@value #INFO}. The
 * signing key is a high-entropy secret, so HKDF suffices where a password would need a slow KDF.
 * The version is bound through the HKDF info, so no additional authenticated data is needed.
 */
public final class CaKeySealer {

  static final String PREFIX = "v1:";
  static final String INFO = "uptimemesh-ca-key-v1";
  static final String WRONG_KEY_MESSAGE =
      "cannot unseal the cluster CA key: CLUSTER_SIGNING_KEY differs from the one it was sealed"
          + " with";

  private static final int SALT_BYTES = 16;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final int KEY_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

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
    requireSigningKey(signingKey);
    byte[] plaintext = key == null ? null : key.getEncoded();
    if (plaintext == null || !"PKCS#8".equals(key.getFormat())) {
      throw UptimeMeshException.invalid("the private key has no PKCS#8 encoding");
    }
    byte[] salt = new byte[SALT_BYTES];
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(salt);
    RANDOM.nextBytes(nonce);
    byte[] aesKey = deriveKey(signingKey, salt);
    try {
      byte[] ciphertext = cipher(Cipher.ENCRYPT_MODE, aesKey, nonce).doFinal(plaintext);
      ByteBuffer sealed = ByteBuffer.allocate(SALT_BYTES + NONCE_BYTES + ciphertext.length);
      sealed.put(salt).put(nonce).put(ciphertext);
      return PREFIX + Base64.getEncoder().encodeToString(sealed.array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    } finally {
      Arrays.fill(aesKey, (byte) 0);
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
    requireSigningKey(signingKey);
    byte[] bytes = decodeSealed(sealed);
    byte[] salt = Arrays.copyOfRange(bytes, 0, SALT_BYTES);
    byte[] nonce = Arrays.copyOfRange(bytes, SALT_BYTES, SALT_BYTES + NONCE_BYTES);
    byte[] aesKey = deriveKey(signingKey, salt);
    byte[] plaintext = null;
    try {
      plaintext =
          cipher(Cipher.DECRYPT_MODE, aesKey, nonce)
              .doFinal(bytes, SALT_BYTES + NONCE_BYTES, bytes.length - SALT_BYTES - NONCE_BYTES);
      return PrivateKeys.fromPkcs8(plaintext);
    } catch (AEADBadTagException e) {
      throw new UptimeMeshException(ErrorCode.INTERNAL, WRONG_KEY_MESSAGE);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM decryption failed", e);
    } catch (UptimeMeshException e) {
      // Authentic but not a key we can read: our own data is broken, not the caller's input.
      throw new UptimeMeshException(
          ErrorCode.INTERNAL, "the sealed cluster CA key decrypts to " + e.getMessage());
    } finally {
      Arrays.fill(aesKey, (byte) 0);
      if (plaintext != null) {
        Arrays.fill(plaintext, (byte) 0);
      }
    }
  }

  private static byte[] decodeSealed(String sealed) {
    if (sealed == null || !sealed.startsWith(PREFIX)) {
      throw new UptimeMeshException(
          ErrorCode.INTERNAL, "the sealed cluster CA key is not in the v1 format");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new UptimeMeshException(
          ErrorCode.INTERNAL, "the sealed cluster CA key is not valid base64");
    }
    if (bytes.length <= SALT_BYTES + NONCE_BYTES + TAG_BITS / 8) {
      throw new UptimeMeshException(ErrorCode.INTERNAL, "the sealed cluster CA key is truncated");
    }
    return bytes;
  }

  private static byte[] deriveKey(String signingKey, byte[] salt) {
    byte[] ikm = signingKey.getBytes(StandardCharsets.UTF_8);
    try {
      HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
      hkdf.init(new HKDFParameters(ikm, salt, INFO.getBytes(StandardCharsets.UTF_8)));
      byte[] key = new byte[KEY_BYTES];
      hkdf.generateBytes(key, 0, KEY_BYTES);
      return key;
    } finally {
      Arrays.fill(ikm, (byte) 0);
    }
  }

  private static Cipher cipher(int mode, byte[] key, byte[] nonce) throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
    return cipher;
  }

  private static void requireSigningKey(String signingKey) {
    if (signingKey == null || signingKey.isEmpty()) {
      throw UptimeMeshException.invalid("CLUSTER_SIGNING_KEY is empty");
    }
  }
}
