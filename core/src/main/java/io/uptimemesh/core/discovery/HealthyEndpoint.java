package io.uptimemesh.core.discovery;

import io.uptimemesh.core.error.UptimeMeshException;
import java.util.Locale;
import java.util.Objects;

/**
 * An endpoint that is healthy right now; only these are rendered.
 *
 * @param service the service name (sanitised to the label of {@code <service>.svc.<domain>})
 * @param nodeId the id of the node hosting it
 * @param address IPv4 or IPv6 literal the endpoint listens on
 * @param port 1-65535
 * @param protocol {@code tcp} or {@code udp}
 * @param portName the SRV service label without underscore, e.g. {@code http}
 */
public record HealthyEndpoint(
    String service, String nodeId, String address, int port, String protocol, String portName) {
  public HealthyEndpoint {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(nodeId, "nodeId");
  }

  /**
   * Builds an endpoint from user input, rejecting the first bad field by name. Service and port
   * names must already be labels (the API asks the user for them rather than guessing).
   */
  public static HealthyEndpoint validated(
      String service, String nodeId, String address, int port, String protocol, String portName) {
    DnsNames.requireLabel("service", service);
    if (nodeId == null || nodeId.isBlank()) {
      throw UptimeMeshException.invalid("node_id must not be empty");
    }
    DnsNames.requireAddress("address", address);
    if (port < 1 || port > 65535) {
      throw UptimeMeshException.invalid("port must be between 1 and 65535");
    }
    if (!isProtocol(protocol)) {
      throw UptimeMeshException.invalid("protocol must be tcp or udp");
    }
    DnsNames.requireLabel("port_name", portName);
    return new HealthyEndpoint(service, nodeId, address, port, protocol, portName);
  }

  static boolean isProtocol(String protocol) {
    return "tcp".equals(protocol) || "udp".equals(protocol);
  }

  /** The protocol as given, lower-cased, for the SRV label. */
  String protocolLabel() {
    return protocol == null ? "" : protocol.toLowerCase(Locale.ROOT);
  }
}
