package io.uptimemesh.core.config;

import java.util.Locale;
import java.util.Optional;

/**
 * The deployment environment, set by {@code APP_ENV}. Only {@link #PROD} enforces strong secrets.
 */
public enum AppEnv {
  DEV,
  TEST,
  PROD;

  /**
   * Returns the name as written in {@code APP_ENV}.
   *
   * @return {@code dev}, {@code test} or {@code prod}
   */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses an {@code APP_ENV} value, ignoring case.
   *
   * @param text the value, e.g. {@code prod} or {@code PROD}
   * @return the environment, or empty if text is not dev, test or prod
   */
  public static Optional<AppEnv> parse(String text) {
    for (AppEnv env : values()) {
      if (env.id().equalsIgnoreCase(text)) {
        return Optional.of(env);
      }
    }
    return Optional.empty();
  }
}
