package io.uptimemesh.core.idempotency;

import io.uptimemesh.core.error.UptimeMeshException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The rules of the {@code Idempotency-Key} header: what a valid key looks like, whose key it is,
 * and which request it was sent with. Pure functions; the web layer applies them.
 *
 * <p>A key belongs to its caller: the same key sent by two callers names two requests. The caller
 * is whatever authenticates the request (a bearer token, a node certificate fingerprint), or
 * "anonymous" for unauthenticated routes (join, login), whose bodies carry their credential.
 */
public final class IdempotencyKeys {
  /** The request header. */
  public static final String HEADER = "Idempotency-Key";

  /** Response header on an answer replayed from a stored outcome. */
  public static final String REPLAYED_HEADER = "Idempotent-Replayed";

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,200}");
  private static final HexFormat HEX = HexFormat.of();

  private IdempotencyKeys() {}

  /**
   * @return {@code key} if valid
   * @throws UptimeMeshException (invalid) naming the header and what is allowed
   */
  public static String validate(String key) {
    if (key == null || !VALID.matcher(key).matches()) {
      throw UptimeMeshException.invalid(
          HEADER + " must be 1-200 characters of letters, digits and . _ : -");
    }
    return key;
  }

  /**
   * The id under which a caller's key is stored: SHA-256 over the caller and the key, so neither a
   * bearer token nor a key chosen by a client appears in etcd.
   *
   * @param caller e.g. {@code bearer:<token>}, {@code node:<fingerprint>}, {@code anonymous}
   */
  public static String storageId(String caller, String key) {
    return sha256(caller + "\n" + key);
  }

  /** SHA-256 over the request line and body: a key reused for another request is refused. */
  public static String requestHash(String method, String uri, byte[] body) {
    MessageDigest digest = digest();
    digest.update((method + " " + uri + "\n").getBytes(StandardCharsets.UTF_8));
    digest.update(body);
    return HEX.formatHex(digest.digest());
  }

  private static String sha256(String s) {
    return HEX.formatHex(digest().digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
