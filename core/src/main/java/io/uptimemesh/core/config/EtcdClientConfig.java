package io.uptimemesh.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code etcd_client} section of {@code config.yaml}.
 *
 * @param requestTimeout the deadline of each call to etcd
 * @param retryAttempts how often an idempotent call is retried after a failure
 * @param retryBackoff the delay before a retry
 */
public record EtcdClientConfig(Duration requestTimeout, int retryAttempts, Duration retryBackoff) {
  public EtcdClientConfig {
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(retryBackoff, "retryBackoff");
  }
}
