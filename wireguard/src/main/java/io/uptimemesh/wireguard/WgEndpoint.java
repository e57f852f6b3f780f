package io.uptimemesh.wireguard;

import io.uptimemesh.core.error.UptimeMeshException;

/**
 * A peer's underlay endpoint: an IP literal and a UDP port. Host names are refused: WireGuard
 * resolves them once and then reports the address, so a name would never compare equal to what
 * {@code wg show} prints and every reconcile would set it again.
 *
 * @param host the address in {@code wg}'s form (IPv6 without brackets)
 * @param port 1 to 65535
 */
public record WgEndpoint(String host, int port) {
  public WgEndpoint {
    byte[] address = host == null ? null : Cidr.parseAddress(host);
    if (address == null) {
      throw UptimeMeshException.invalid(
          "endpoint host " + host + " must be an IPv4 or IPv6 address, not a name");
    }
    if (port < 1 || port > 65535) {
      throw UptimeMeshException.invalid("endpoint port " + port + " must be 1 to 65535");
    }
    host = Cidr.format(address);
  }

  /**
   * Parses {@code 192.0.2.1:51820} or {@code [2001:db8::1]:51820}.
   *
   * @throws UptimeMeshException (invalid request) naming the text if it is not an endpoint
   */
  public static WgEndpoint parse(String text) {
    if (text == null) {
      throw UptimeMeshException.invalid("an endpoint must be host:port");
    }
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf("]:");
      if (close < 0) {
        throw UptimeMeshException.invalid("endpoint " + text + " must be [ipv6]:port");
      }
      host = text.substring(1, close);
      port = text.substring(close + 2);
    } else {
      int colon = text.lastIndexOf(':');
      if (colon < 0 || text.indexOf(':') != colon) {
        throw UptimeMeshException.invalid("endpoint " + text + " must be ipv4:port or [ipv6]:port");
      }
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
    }
    if (!port.matches("[1-9][0-9]{0,4}")) {
      throw UptimeMeshException.invalid("endpoint " + text + " needs a port 1 to 65535");
    }
    return new WgEndpoint(host, Integer.parseInt(port));
  }

  /** {@code host:port}, with brackets around an IPv6 host, as {@code wg} takes and prints it. */
  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
