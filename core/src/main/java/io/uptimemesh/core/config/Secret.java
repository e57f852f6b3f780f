package io.uptimemesh.core.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A secret setting such as a signing key. It prints as {@value ConfigException#REDACTED} so that
 * logging a settings object, or an exception that carries one, never leaks the value; only {@link
 * #reveal()} gives it out.
 */
public final class Secret {

  /**
   * The value used when a secret is not set. It is public knowledge, which is why {@code
   * APP_ENV=prod} refuses it.
   */
  public static final String DEVELOPMENT_DEFAULT = "dev-insecure-change-me";

  private final String value;

  /**
   * Wraps a secret value.
   *
   * @param value the secret, not null
   * @throws NullPointerException if value is null
   */
  public Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /**
   * Wraps a secret value.
   *
   * @param value the secret, not null
   * @return the secret
   * @throws NullPointerException if value is null
   */
  public static Secret of(String value) {
    return new Secret(value);
  }

  /**
   * Returns the secret used when none is configured.
   *
   * @return a secret holding {@value #DEVELOPMENT_DEFAULT}
   */
  public static Secret developmentDefault() {
    return new Secret(DEVELOPMENT_DEFAULT);
  }

  /**
   * Returns the secret value; call it only where the value is used, never to log it.
   *
   * @return the value
   */
  public String reveal() {
    return value;
  }

  /**
   * Tells whether this is the well-known development default.
   *
   * @return true if the value equals {@value #DEVELOPMENT_DEFAULT}
   */
  public boolean isDefault() {
    return DEVELOPMENT_DEFAULT.equals(value);
  }

  /**
   * Compares by value, in time independent of where the values differ.
   *
   * @return true if other is a Secret with the same value
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof Secret that
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), that.value.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Returns a hash of the value, consistent with {@link #equals(Object)}.
   *
   * @return the hash code
   */
  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /**
   * Returns a placeholder, never the value.
   *
   * @return {@value ConfigException#REDACTED}
   */
  @Override
  public String toString() {
    return ConfigException.REDACTED;
  }
}
