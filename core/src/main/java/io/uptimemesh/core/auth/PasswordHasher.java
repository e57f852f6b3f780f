package io.uptimemesh.core.auth;

import io.uptimemesh.core.error.UptimeMeshException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashing (RFC 9106) with Bouncy Castle's {@link Argon2BytesGenerator}. Hashes
 * are PHC strings:
 *
 * <pre>
 * $argon2id$v=19$m=&lt;KiB&gt;,t=&lt;iterations&gt;,p=&lt;parallelism&gt;$&lt;salt&gt;$&lt;hash&gt;
 * </pre>
 *
 * <p>with salt and hash in standard base64 without padding. The defaults are the OWASP minimum:
 * m=19456 KiB, t=2, p=1, a 16-byte salt and a 32-byte hash. {@link #verify} reads the parameters
 * from the stored string, so they can be raised later without invalidating existing hashes.
 */
public final class PasswordHasher {

  static final int DEFAULT_MEMORY_KIB = 19456;
  static final int DEFAULT_ITERATIONS = 2;
  static final int DEFAULT_PARALLELISM = 1;
  static final int SALT_BYTES = 16;
  static final int HASH_BYTES = 32;

  // Ceilings for parameters read from a stored hash: a corrupted or planted hash must not make
  // one login allocate gigabytes or spin for minutes.
  private static final int MAX_MEMORY_KIB = 1024 * 1024;
  private static final int MAX_ITERATIONS = 64;
  private static final int MAX_PARALLELISM = 64;

  private static final Pattern ENCODED =
      Pattern.compile(
          "\\$argon2id\\$v=19\\$m=([1-9][0-9]{0,9}),t=([1-9][0-9]{0,9}),p=([1-9][0-9]{0,9})"
              + "\\$([A-Za-z0-9+/]{11,88})\\$([A-Za-z0-9+/]{22,172})");

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();

  private final int memoryKiB;
  private final int iterations;
  private final int parallelism;

  /** A hasher with the defaults: m=19456 KiB, t=2, p=1. */
  public PasswordHasher() {
    this(DEFAULT_MEMORY_KIB, DEFAULT_ITERATIONS, DEFAULT_PARALLELISM);
  }

  /**
   * A hasher with chosen parameters, for new hashes only.
   *
   * @param memoryKiB memory in KiB, at least 8 × parallelism
   * @param iterations passes over memory, at least 1
   * @param parallelism lanes, at least 1
   * @throws UptimeMeshException (invalid) if the parameters are outside what Argon2 and verify
   *     accept
   */
  public PasswordHasher(int memoryKiB, int iterations, int parallelism) {
    if (!acceptable(memoryKiB, iterations, parallelism)) {
      throw UptimeMeshException.invalid(
          "Argon2id parameters must satisfy 1 <= p <= "
              + MAX_PARALLELISM
              + ", 8p <= m <= "
              + MAX_MEMORY_KIB
              + " KiB and 1 <= t <= "
              + MAX_ITERATIONS);
    }
    this.memoryKiB = memoryKiB;
    this.iterations = iterations;
    this.parallelism = parallelism;
  }

  /**
   * Hashes a password with a fresh random salt, so two hashes of one password differ.
   *
   * @param password the password; the caller may clear it afterwards
   * @return the PHC-encoded Argon2id hash
   */
  public String hash(char[] password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return hash(password, salt);
  }

  /** Hashes with a given salt; package-private so tests can check known vectors. */
  String hash(char[] password, byte[] salt) {
    Objects.requireNonNull(password, "password");
    byte[] hash = derive(password, salt, memoryKiB, iterations, parallelism, HASH_BYTES);
    return "$argon2id$v=19$m="
        + memoryKiB
        + ",t="
        + iterations
        + ",p="
        + parallelism
        + "$"
        + B64.encodeToString(salt)
        + "$"
        + B64.encodeToString(hash);
  }

  /**
   * Checks a password against a stored hash, with the parameters the hash was made with.
   *
   * @param password the password to check
   * @param encoded a PHC-encoded Argon2id hash
   * @return true if the password matches; false if it does not, or if encoded is malformed or names
   *     parameters out of range (never throws for bad input)
   */
  public boolean verify(char[] password, String encoded) {
    if (password == null || encoded == null) {
      return false;
    }
    Matcher m = ENCODED.matcher(encoded);
    if (!m.matches()) {
      return false;
    }
    long memory = Long.parseLong(m.group(1));
    long passes = Long.parseLong(m.group(2));
    long lanes = Long.parseLong(m.group(3));
    if (memory > MAX_MEMORY_KIB
        || passes > MAX_ITERATIONS
        || lanes > MAX_PARALLELISM
        || !acceptable((int) memory, (int) passes, (int) lanes)) {
      return false;
    }
    byte[] salt;
    byte[] expected;
    try {
      salt = Base64.getDecoder().decode(m.group(4));
      expected = Base64.getDecoder().decode(m.group(5));
    } catch (IllegalArgumentException e) {
      return false;
    }
    // RFC 9106: salt at least 8 bytes, tag at least 4; we require 16 for the tag.
    if (salt.length < 8 || expected.length < 16) {
      return false;
    }
    byte[] actual =
        derive(password, salt, (int) memory, (int) passes, (int) lanes, expected.length);
    return MessageDigest.isEqual(actual, expected);
  }

  private static boolean acceptable(int memoryKiB, int iterations, int parallelism) {
    return parallelism >= 1
        && parallelism <= MAX_PARALLELISM
        && memoryKiB >= 8 * parallelism
        && memoryKiB <= MAX_MEMORY_KIB
        && iterations >= 1
        && iterations <= MAX_ITERATIONS;
  }

  private static byte[] derive(
      char[] password, byte[] salt, int memoryKiB, int iterations, int parallelism, int length) {
    Argon2Parameters parameters =
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(memoryKiB)
            .withIterations(iterations)
            .withParallelism(parallelism)
            .withSalt(salt)
            .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(parameters);
    byte[] passwordBytes = utf8(password);
    try {
      byte[] out = new byte[length];
      generator.generateBytes(passwordBytes, out);
      return out;
    } finally {
      Arrays.fill(passwordBytes, (byte) 0);
    }
  }

  /** UTF-8 without an intermediate String, so the only copy of the password is ours to clear. */
  private static byte[] utf8(char[] password) {
    ByteBuffer buffer = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] bytes = Arrays.copyOfRange(buffer.array(), buffer.position(), buffer.limit());
    Arrays.fill(buffer.array(), (byte) 0);
    return bytes;
  }
}
