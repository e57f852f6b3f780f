package io.uptimemesh.launcher;

import io.uptimemesh.core.config.ClusterConfig;
import io.uptimemesh.core.config.RuntimeSettings;
import io.uptimemesh.web.identity.IdentityConfig;
import java.time.Clock;
import java.time.Duration;

/** The identity settings of a core node, from its runtime settings and config.yaml. */
final class IdentityWiring {
  private static final Duration SESSION_TTL = Duration.ofHours(12);
  private static final Duration BOOTSTRAP_TOKEN_TTL = Duration.ofHours(24);

  private IdentityWiring() {}

  static IdentityConfig config(RuntimeSettings settings, ClusterConfig config) {
    return new IdentityConfig(
        config.pki().caValidity(),
        settings.nodeCertValidity(),
        settings.heartbeatMaxSkew(),
        settings.heartbeatTtl(),
        SESSION_TTL,
        BOOTSTRAP_TOKEN_TTL,
        config.cluster().meshCidr(),
        settings.clusterSigningKey().reveal(),
        Clock.systemUTC());
  }
}
