package io.uptimemesh.core.auth;

import io.uptimemesh.core.error.UptimeMeshException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random passwords and tokens, and the hashing and comparison used to store and check them. */
public final class RandomSecrets {

  /** Letters and digits without the look-alikes 0 O o 1 l I, so a password read aloud survives. */
  static final String PASSWORD_ALPHABET =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";

  static final int PASSWORD_LENGTH = 20;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private RandomSecrets() {}

  /**
   * Generates a password, e.g. for the bootstrap admin: 20 characters from a 56-letter alphabet,
   * about 116 bits.
   *
   * @return 20 characters from [A-Za-z0-9] without 0 O o 1 l I
   */
  public static String password() {
    char[] chars = new char[PASSWORD_LENGTH];
    for (int i = 0; i < chars.length; i++) {
      // nextInt(bound) is unbiased, unlike a modulo of a random byte.
      chars[i] = PASSWORD_ALPHABET.charAt(RANDOM.nextInt(PASSWORD_ALPHABET.length()));
    }
    return new String(chars);
  }

  /**
   * Generates a random token.
   *
   * @param bytes how many random bytes, at least 1
   * @return that many bytes from {@link SecureRandom}, base64url without padding
   * @throws UptimeMeshException (invalid) if bytes is less than 1
   */
  public static String token(int bytes) {
    if (bytes < 1) {
      throw UptimeMeshException.invalid("a token needs at least one random byte");
    }
    byte[] random = new byte[bytes];
    RANDOM.nextBytes(random);
    return BASE64URL.encodeToString(random);
  }

  /**
   * Hashes a string the way session tokens and join-token secrets are stored. They are random and
   * long, so a fast unsalted hash is enough; passwords use {@link PasswordHasher} instead.
   *
   * @param value the string
   * @return SHA-256 of its UTF-8 bytes, 64 lower-case hex characters
   */
  public static String sha256Hex(String value) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /**
   * Compares two strings in time that does not depend on where they differ.
   *
   * @param a one string, may be null
   * @param b the other, may be null
   * @return true if both are non-null and equal
   */
  public static boolean constantTimeEquals(String a, String b) {
    if (a == null || b == null) {
      return false;
    }
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
