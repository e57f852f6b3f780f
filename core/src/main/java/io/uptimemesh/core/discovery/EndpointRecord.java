package io.uptimemesh.core.discovery;

import io.uptimemesh.core.error.UptimeMeshException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One address and port of a service on one node ({@code endpoints/{id}}). Endpoints are created and
 * deleted, never changed in place: a reported health belongs to one endpoint's create revision.
 *
 * @param schema {@value #SCHEMA}
 * @param id unique, {@link #ID}; by default {@code <service>-<port_name>-<node_id>}
 * @param service the service it belongs to (must exist)
 * @param nodeId the node that hosts it; that node's agent runs its health check
 * @param address IPv4 or IPv6 literal it listens on (by default the node's mesh address)
 * @param port 1..65535
 * @param protocol {@code tcp} or {@code udp} (the SRV record's {@code _proto})
 * @param portName an RFC 1035 label, the SRV record's {@code _service}, e.g. {@code http}
 * @param check its health check
 * @param createdAtMs epoch milliseconds
 * @param createdBy {@code user:<name>}
 */
public record EndpointRecord(
    int schema,
    String id,
    String service,
    String nodeId,
    String address,
    int port,
    String protocol,
    String portName,
    HealthCheck check,
    long createdAtMs,
    String createdBy) {
  public static final int SCHEMA = 1;

  /** Ids are key segments and appear in logs and CLI output: keep them plain. */
  public static final Pattern ID = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,126}[a-z0-9])?");

  public EndpointRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(check, "check");
  }

  /**
   * Checks a new endpoint, naming the first bad field. The node's existence and the service's are
   * the caller's to check (they need the store).
   *
   * @param id null for the default id
   * @param address null is not accepted here: the caller substitutes the node's mesh address
   * @param protocol null is {@code tcp}
   * @param portName null is the protocol ({@code tcp}/{@code udp})
   */
  public static EndpointRecord validated(
      String id,
      String service,
      String nodeId,
      String address,
      Integer port,
      String protocol,
      String portName,
      HealthCheck check,
      long createdAtMs,
      String createdBy) {
    DnsNames.requireLabel("service", service);
    if (nodeId == null || nodeId.isBlank()) {
      throw UptimeMeshException.invalid("node_id must not be empty");
    }
    String ip = DnsNames.requireAddress("address", address).text();
    if (port == null || port < 1 || port > 65535) {
      throw UptimeMeshException.invalid("port must be between 1 and 65535");
    }
    String proto = protocol == null ? "tcp" : protocol.toLowerCase(Locale.ROOT);
    if (!HealthyEndpoint.isProtocol(proto)) {
      throw UptimeMeshException.invalid("protocol must be tcp or udp");
    }
    String name = portName == null ? proto : portName;
    DnsNames.requireLabel("port_name", name);
    if ("udp".equals(proto) && !HealthCheck.NONE.equals(check.type())) {
      throw UptimeMeshException.invalid(
          "check.type " + check.type() + " cannot check a udp endpoint: use check.type none");
    }
    String endpointId = id == null || id.isEmpty() ? defaultId(service, name, nodeId) : id;
    if (!ID.matcher(endpointId).matches()) {
      throw UptimeMeshException.invalid(
          "id must be 1-128 lower-case letters, digits, dots and hyphens, starting and ending"
              + " with a letter or digit");
    }
    return new EndpointRecord(
        SCHEMA, endpointId, service, nodeId, ip, port, proto, name, check, createdAtMs, createdBy);
  }

  /** {@code <service>-<port_name>-<node_id>}, lower case. */
  public static String defaultId(String service, String portName, String nodeId) {
    return (service + "-" + portName + "-" + nodeId).toLowerCase(Locale.ROOT);
  }

  /** This endpoint as the zone renders it (when healthy). */
  public HealthyEndpoint healthy() {
    return new HealthyEndpoint(service, nodeId, address, port, protocol, portName);
  }
}
