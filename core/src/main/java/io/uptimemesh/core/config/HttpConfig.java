package io.uptimemesh.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code http} section of {@code config.yaml}.
 *
 * @param bodyLimitBytes the largest request body accepted, in bytes
 * @param shutdownGrace the time requests in flight get on shutdown
 */
public record HttpConfig(long bodyLimitBytes, Duration shutdownGrace) {
  public HttpConfig {
    Objects.requireNonNull(shutdownGrace, "shutdownGrace");
  }
}
