package io.uptimemesh.etcd;

import io.etcd.jetcd.Client;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/** Builds the jetcd client the way every core node must use it. */
public final class EtcdClients {
  private EtcdClients() {}

  /**
   * Returns a client for {@code endpoints} whose calls fail fast instead of waiting for a
   * connection, carry a deadline, and are not retried behind our back (our {@link EtcdCallPolicy}
   * decides what is safe to retry).
   */
  public static Client create(List<URI> endpoints, Duration deadline) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("at least one etcd endpoint is required");
    }
    return Client.builder()
        .endpoints(endpoints.toArray(URI[]::new))
        // Never hand jetcd our Vertx: Client.close() closes the Vertx it was given (jetcd 0.8.6,
        // ClientConnectionManager.close), which would stop the whole server. jetcd makes its own.
        // waitForReady(true), jetcd's default, parks calls while no member is reachable.
        .waitForReady(false)
        .retryMaxAttempts(0)
        .connectTimeout(deadline)
        .keepaliveTime(Duration.ofSeconds(10))
        .keepaliveTimeout(Duration.ofSeconds(3))
        .interceptor(new UnaryDeadlineInterceptor(deadline))
        .build();
  }
}
