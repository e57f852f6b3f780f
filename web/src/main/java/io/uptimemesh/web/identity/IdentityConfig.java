package io.uptimemesh.web.identity;

import java.time.Clock;
import java.time.Duration;

/**
 * What the identity services need from the settings.
 *
 * @param caValidity validity of the cluster CA made at bootstrap
 * @param nodeCertValidity validity of node certificates
 * @param heartbeatMaxSkew largest accepted clock skew of a heartbeat
 * @param heartbeatTtl liveness lease TTL
 * @param sessionTtl how long a login session lasts
 * @param bootstrapTokenTtl how long the join token made at bootstrap is valid
 * @param meshCidr the cluster's mesh network
 * @param signingKey CLUSTER_SIGNING_KEY: seals the CA private key in etcd
 * @param clock the clock (tests pass a fixed one)
 */
public record IdentityConfig(
    Duration caValidity,
    Duration nodeCertValidity,
    Duration heartbeatMaxSkew,
    Duration heartbeatTtl,
    Duration sessionTtl,
    Duration bootstrapTokenTtl,
    String meshCidr,
    String signingKey,
    Clock clock) {

  /**
   * How long a write waits for this core node's watch cache to show it before answering, so the
   * caller's next request (heartbeat after join, call after login) sees it.
   */
  public static final Duration READ_YOUR_WRITES = Duration.ofSeconds(2);

  @Override
  public String toString() {
    return "IdentityConfig[meshCidr=" + meshCidr + ", signingKey=<redacted>]";
  }
}
