package io.uptimemesh.core.pki;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
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
 * Encrypts small values for storage in etcd under a key derived from {@code CLUSTER_SIGNING_KEY},
 * so every core node configured with the same signing key can read them and nobody with only etcd
 * access can.
 *
 * <p>Format: {@code "v1:" + base64(salt(16) | nonce(12) | AES-256-GCM ciphertext and tag(16))}. The
 * AES key is HKDF-SHA256 over the UTF-8 signing key with that salt and a purpose string as info, so
 * a value sealed for one purpose cannot be opened as another. The signing key is a high-entropy
 * secret, so HKDF suffices where a password would need a slow KDF.
 */
public final class SecretBox {
  static final String PREFIX = "v1:";

  private static final int SALT_BYTES = 16;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final int KEY_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Thrown by {@link #open} when the tag does not verify: another signing key or purpose. */
  public static final class WrongKeyException extends Exception {
    private static final long serialVersionUID = 1L;

    WrongKeyException() {
      super("the value was sealed with another key");
    }
  }

  private final String purpose;

  /**
   * @param purpose the HKDF info, e.g. {@code uptimemesh-ca-key-v1}; part of the format
   */
  public SecretBox(String purpose) {
    this.purpose = purpose;
  }

  /**
   * Encrypts {@code plaintext} (left untouched).
   *
   * @throws UptimeMeshException (invalid) if signingKey is empty
   */
  public String seal(byte[] plaintext, String signingKey) {
    requireSigningKey(signingKey);
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
    }
  }

  /**
   * Decrypts what {@link #seal} returned.
   *
   * @param what names the value in error messages, e.g. "the sealed cluster CA key"
   * @throws WrongKeyException if the tag does not verify (another signing key or purpose)
   * @throws UptimeMeshException (internal) if sealed is malformed; (invalid) if signingKey is empty
   */
  public byte[] open(String sealed, String signingKey, String what) throws WrongKeyException {
    requireSigningKey(signingKey);
    byte[] bytes = decode(sealed, what);
    byte[] salt = Arrays.copyOfRange(bytes, 0, SALT_BYTES);
    byte[] nonce = Arrays.copyOfRange(bytes, SALT_BYTES, SALT_BYTES + NONCE_BYTES);
    byte[] aesKey = deriveKey(signingKey, salt);
    try {
      return cipher(Cipher.DECRYPT_MODE, aesKey, nonce)
          .doFinal(bytes, SALT_BYTES + NONCE_BYTES, bytes.length - SALT_BYTES - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new WrongKeyException();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM decryption failed", e);
    } finally {
      Arrays.fill(aesKey, (byte) 0);
    }
  }

  private static byte[] decode(String sealed, String what) {
    if (sealed == null || !sealed.startsWith(PREFIX)) {
      throw new UptimeMeshException(ErrorCode.INTERNAL, what + " is not in the v1 format");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new UptimeMeshException(ErrorCode.INTERNAL, what + " is not valid base64");
    }
    if (bytes.length < SALT_BYTES + NONCE_BYTES + TAG_BITS / 8) {
      throw new UptimeMeshException(ErrorCode.INTERNAL, what + " is truncated");
    }
    return bytes;
  }

  private byte[] deriveKey(String signingKey, byte[] salt) {
    byte[] ikm = signingKey.getBytes(StandardCharsets.UTF_8);
    try {
      HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
      hkdf.init(new HKDFParameters(ikm, salt, purpose.getBytes(StandardCharsets.UTF_8)));
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
