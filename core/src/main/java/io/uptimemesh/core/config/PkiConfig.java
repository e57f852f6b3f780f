package io.uptimemesh.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code pki} section of {@code config.yaml}: the cluster certificate authority.
 *
 * @param caValidity validity of the CA certificate made at bootstrap ({@code ca_validity_days})
 */
public record PkiConfig(Duration caValidity) {
  public PkiConfig {
    Objects.requireNonNull(caValidity, "caValidity");
  }
}
