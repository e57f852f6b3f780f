package io.uptimemesh.core.config;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What makes a secret too weak for {@code APP_ENV=prod}. The thresholds are deliberately simple:
 * they catch placeholders and hand-typed words, not to measure entropy, and a value from {@code
 * openssl rand -base64 48} passes them easily.
 */
final class SecretPolicy {

  static final int MIN_LENGTH = 32;
  static final int MIN_DISTINCT_CHARACTERS = 10;

  /** Placeholders that show up in examples and tutorials, compared ignoring case. */
  static final Set<String> WEAK_VALUES =
      Set.of(
          Secret.DEVELOPMENT_DEFAULT,
          "change-me",
          "changeme",
          "secret",
          "password",
          "uptime",
          "admin");

  static final String REQUIREMENT =
      "a strong secret (at least "
          + MIN_LENGTH
          + " characters with "
          + MIN_DISTINCT_CHARACTERS
          + " or more distinct ones, not a well-known value)";

  static final String HOW_TO_GENERATE = "generate one with: openssl rand -base64 48";

  private SecretPolicy() {}

  /**
   * Says why a secret is too weak for production.
   *
   * @param secret the secret to judge
   * @return the reason, phrased to follow "because" (e.g. "it is shorter than 32 characters"), or
   *     empty if the secret is strong enough
   */
  static Optional<String> weakness(Secret secret) {
    String value = secret.reveal();
    if (secret.isDefault()) {
      return Optional.of("it is the development default");
    }
    if (WEAK_VALUES.contains(value.toLowerCase(Locale.ROOT))) {
      return Optional.of("it is a well-known weak value");
    }
    if (value.codePointCount(0, value.length()) < MIN_LENGTH) {
      return Optional.of("it is shorter than " + MIN_LENGTH + " characters");
    }
    if (value.codePoints().distinct().count() < MIN_DISTINCT_CHARACTERS) {
      return Optional.of("it has fewer than " + MIN_DISTINCT_CHARACTERS + " distinct characters");
    }
    return Optional.empty();
  }
}
