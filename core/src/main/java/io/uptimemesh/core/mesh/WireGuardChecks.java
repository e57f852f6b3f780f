package io.uptimemesh.core.mesh;

import io.uptimemesh.core.error.UptimeMeshException;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The checks of what a node reports about its WireGuard side, shared by the agent (before it sends)
 * and the control plane (before it stores): a bad key or endpoint reaching every peer's
 * configuration would break the mesh for all of them, so it is refused at the door with a 400 that
 * names the field.
 */
public final class WireGuardChecks {
  /** A WireGuard public key is 32 bytes; in standard padded base64 that is 44 characters. */
  private static final int KEY_BYTES = 32;

  private static final Pattern HOST_NAME =
      Pattern.compile(
          "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
              + "(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  private WireGuardChecks() {}

  /**
   * Checks a public key.
   *
   * @param field the request field, for the message
   * @return the key, unchanged
   * @throws UptimeMeshException (invalid) naming {@code field} unless it is standard base64 of 32
   *     bytes
   */
  public static String publicKey(String field, String key) {
    if (key == null || key.length() != 44) {
      throw UptimeMeshException.invalid(
          field + " must be a WireGuard public key (base64 of 32 bytes)");
    }
    try {
      if (Base64.getDecoder().decode(key).length == KEY_BYTES) {
        return key;
      }
    } catch (IllegalArgumentException e) {
      // answered below
    }
    throw UptimeMeshException.invalid(
        field + " must be a WireGuard public key (base64 of 32 bytes)");
  }

  /**
   * Checks an underlay endpoint: {@code host:port}, where host is a DNS name, an IPv4 address or an
   * IPv6 address in brackets, and port is 1 to 65535.
   *
   * @param field the request field, for the message
   * @return the endpoint, unchanged
   * @throws UptimeMeshException (invalid) naming {@code field} otherwise
   */
  public static String endpoint(String field, String endpoint) {
    String problem = endpointProblem(endpoint);
    if (problem != null) {
      throw UptimeMeshException.invalid(field + " must be host:port (" + problem + ")");
    }
    return endpoint;
  }

  /**
   * Checks a whole registration.
   *
   * @throws UptimeMeshException (invalid) naming the first bad field, with the API's field names
   */
  public static NodeWireGuard check(NodeWireGuard wg) {
    publicKey("primary_public_key", wg.primaryPublicKey());
    endpoint("primary_endpoint", wg.primaryEndpoint());
    if (wg.secondaryPublicKey().isPresent() != wg.secondaryEndpoint().isPresent()) {
      throw UptimeMeshException.invalid(
          "secondary_public_key and secondary_endpoint must be given together or not at all");
    }
    wg.secondaryPublicKey().ifPresent(k -> publicKey("secondary_public_key", k));
    wg.secondaryEndpoint().ifPresent(e -> endpoint("secondary_endpoint", e));
    return wg;
  }

  private static String endpointProblem(String endpoint) {
    if (endpoint == null || endpoint.isEmpty()) {
      return "missing";
    }
    int colon = endpoint.lastIndexOf(':');
    if (colon <= 0 || colon == endpoint.length() - 1) {
      return "no port";
    }
    String host = endpoint.substring(0, colon);
    String port = endpoint.substring(colon + 1);
    if (!port.chars().allMatch(Character::isDigit) || port.length() > 5) {
      return "the port is not a number";
    }
    int p = Integer.parseInt(port);
    if (p < 1 || p > 65535) {
      return "the port is not between 1 and 65535";
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      String v6 = host.substring(1, host.length() - 1);
      return IPV6.matcher(v6).matches() && v6.contains(":") ? null : "not an IPv6 address";
    }
    if (host.contains(":")) {
      return "an IPv6 host must be in brackets";
    }
    if (host.chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
      return IPV4.matcher(host).matches() ? null : "not an IPv4 address";
    }
    return HOST_NAME.matcher(host).matches() ? null : "not a host name";
  }
}
