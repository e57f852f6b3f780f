package io.uptimemesh.wireguard;

import io.uptimemesh.core.error.UptimeMeshException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * WireGuard (Curve25519) keys made locally, in the text form of {@code wg genkey} and {@code wg
 * pubkey}: 32 bytes, standard base64 with padding, 44 characters.
 *
 * <p>Bouncy Castle's RFC 7748 X25519 does the scalar multiplication because it works on raw 32-byte
 * scalars, which is what WireGuard stores; the JDK's XDH keys only expose them through their ASN.1
 * encodings. Private keys are clamped the way {@code wg genkey} clamps them, so what we store is
 * byte for byte what {@code wg show} prints back.
 */
public final class WgKeys {
  /** The length of a key in bytes. */
  public static final int KEY_BYTES = 32;

  /** 43 base64 characters and one padding {@code =}: exactly what encodes 32 bytes. */
  private static final Pattern KEY_TEXT = Pattern.compile("[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=");

  private static final SecureRandom RANDOM = new SecureRandom();

  private WgKeys() {}

  /** A new key pair from the system's secure random source. */
  public static WgKeyPair generate() {
    return generate(RANDOM);
  }

  /** A new key pair from {@code random}. */
  public static WgKeyPair generate(SecureRandom random) {
    byte[] scalar = new byte[KEY_BYTES];
    random.nextBytes(scalar);
    WgPrivateKey privateKey = WgPrivateKey.of(scalar);
    Arrays.fill(scalar, (byte) 0);
    return new WgKeyPair(privateKey, privateKey.publicKey());
  }

  /** True if {@code text} is the 44-character base64 form of a 32-byte key. */
  public static boolean isKeyText(String text) {
    return text != null && KEY_TEXT.matcher(text).matches();
  }

  /**
   * Decodes a key's text form.
   *
   * @param what names the key in the error message (never the key itself)
   * @throws UptimeMeshException (invalid request) unless text is 44 base64 characters of 32 bytes
   */
  static byte[] decode(String what, String text) {
    if (!isKeyText(text)) {
      throw UptimeMeshException.invalid(
          what + " must be 44 characters of base64 encoding 32 bytes (as wg genkey prints)");
    }
    return Base64.getDecoder().decode(text);
  }

  static String encode(byte[] key) {
    return Base64.getEncoder().encodeToString(key);
  }

  /** Clamps a Curve25519 scalar in place, as {@code wg genkey} and the kernel do. */
  static void clamp(byte[] scalar) {
    scalar[0] &= (byte) 248;
    scalar[31] &= (byte) 127;
    scalar[31] |= (byte) 64;
  }

  static byte[] publicKeyBytes(byte[] clampedScalar) {
    byte[] publicKey = new byte[X25519.POINT_SIZE];
    X25519.scalarMultBase(clampedScalar, 0, publicKey, 0);
    return publicKey;
  }
}
