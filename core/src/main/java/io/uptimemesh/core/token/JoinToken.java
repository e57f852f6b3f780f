package io.uptimemesh.core.token;

import io.uptimemesh.core.auth.RandomSecrets;
import io.uptimemesh.core.error.UptimeMeshException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * A join token: its id, its secret and the SHA-256 pin of the cluster CA certificate, so a joining
 * node both proves it was invited and knows which CA to trust. Its string form is {@code "umj1." +
 * id + "." + secret + "." + caPin}, where id is 12 characters of base32 [a-z2-7] (60 random bits),
 * secret is 43 characters of base64url (32 random bytes) and caPin is 64 lower-case hex. The server
 * stores only {@link #secretHash()}.
 *
 * @param id the token id, looked up in storage
 * @param secret the token secret; never logged, never stored
 * @param caPin the cluster CA certificate's SHA-256 fingerprint
 */
public record JoinToken(String id, String secret, String caPin) {

  static final String PREFIX = "umj1.";
  static final int ID_LENGTH = 12;
  static final int SECRET_BYTES = 32;
  static final int SECRET_LENGTH = 43;
  static final int PIN_LENGTH = 64;
  static final int ENCODED_LENGTH =
      PREFIX.length() + ID_LENGTH + 1 + SECRET_LENGTH + 1 + PIN_LENGTH;

  private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
  private static final Pattern ID = Pattern.compile("[a-z2-7]{" + ID_LENGTH + "}");
  private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{" + SECRET_LENGTH + "}");
  private static final Pattern PIN = Pattern.compile("[0-9a-f]{" + PIN_LENGTH + "}");
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Checks the parts.
   *
   * @throws UptimeMeshException (invalid) "malformed join token: ..." naming the bad part, never
   *     its value
   */
  public JoinToken {
    if (id == null || !ID.matcher(id).matches()) {
      throw malformed("the id is not 12 characters of a-z and 2-7");
    }
    if (secret == null || !SECRET.matcher(secret).matches() || !canonical(secret)) {
      throw malformed("the secret is not 43 characters of base64url");
    }
    if (caPin == null || !PIN.matcher(caPin).matches()) {
      throw malformed("the CA pin is not 64 lower-case hex characters");
    }
  }

  /**
   * Generates a new token for the cluster CA with the given pin.
   *
   * @param caPin the CA certificate's SHA-256 fingerprint, 64 lower-case hex
   * @return a token with a fresh random id and secret
   * @throws UptimeMeshException (invalid) if caPin is malformed
   */
  public static JoinToken generate(String caPin) {
    return new JoinToken(randomId(), RandomSecrets.token(SECRET_BYTES), caPin);
  }

  /**
   * Parses the string form.
   *
   * @param text a token as {@link #encoded()} writes it; surrounding whitespace is ignored
   * @return the token
   * @throws UptimeMeshException (invalid) "malformed join token: ..." saying what is wrong, without
   *     echoing any of the text
   */
  public static JoinToken parse(String text) {
    if (text == null) {
      throw malformed("it is empty");
    }
    String trimmed = text.strip();
    if (!trimmed.startsWith(PREFIX)) {
      throw malformed("it does not start with " + PREFIX);
    }
    if (trimmed.length() != ENCODED_LENGTH) {
      throw malformed("it is not " + ENCODED_LENGTH + " characters long");
    }
    String[] parts = trimmed.substring(PREFIX.length()).split("\\.", -1);
    if (parts.length != 3) {
      throw malformed("it does not have the four dot-separated parts umj1.<id>.<secret>.<pin>");
    }
    return new JoinToken(parts[0], parts[1], parts[2]);
  }

  /**
   * The form the server stores and looks the secret up by.
   *
   * @return {@link RandomSecrets#sha256Hex(String)} of the secret
   */
  public String secretHash() {
    return RandomSecrets.sha256Hex(secret);
  }

  /**
   * The string form an operator copies to the joining node.
   *
   * @return {@code umj1.<id>.<secret>.<caPin>}
   */
  public String encoded() {
    return PREFIX + id + "." + secret + "." + caPin;
  }

  /** Leaves out the secret, so logging a token is safe. */
  @Override
  public String toString() {
    return "JoinToken[id=" + id + ", caPin=" + caPin + "]";
  }

  /** 60 random bits as 12 base32 characters. */
  private static String randomId() {
    long bits = RANDOM.nextLong();
    char[] chars = new char[ID_LENGTH];
    for (int i = 0; i < ID_LENGTH; i++) {
      chars[i] = BASE32.charAt((int) (bits & 31));
      bits >>>= 5;
    }
    return new String(chars);
  }

  /**
   * 43 base64url characters carry 258 bits for 256; the last two must be zero, so that one secret
   * has exactly one spelling.
   */
  private static boolean canonical(String secret) {
    try {
      byte[] bytes = Base64.getUrlDecoder().decode(secret);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(secret);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static UptimeMeshException malformed(String problem) {
    return UptimeMeshException.invalid("malformed join token: " + problem);
  }
}
