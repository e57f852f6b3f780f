package io.uptimemesh.core.discovery;

import java.util.Objects;

/**
 * An endpoint the receiving agent must health-check, as its discovery document lists it.
 *
 * @param endpointId the endpoint
 * @param endpointRevision its create revision, sent back with every report about it
 * @param service its service
 * @param address where to connect
 * @param port where to connect
 * @param protocol {@code tcp} or {@code udp}
 * @param check how
 */
public record EndpointProbe(
    String endpointId,
    long endpointRevision,
    String service,
    String address,
    int port,
    String protocol,
    HealthCheck check) {
  public EndpointProbe {
    Objects.requireNonNull(endpointId, "endpointId");
    Objects.requireNonNull(check, "check");
  }

  public static EndpointProbe of(EndpointRecord endpoint, long createRevision) {
    return new EndpointProbe(
        endpoint.id(),
        createRevision,
        endpoint.service(),
        endpoint.address(),
        endpoint.port(),
        endpoint.protocol(),
        endpoint.check());
  }
}
