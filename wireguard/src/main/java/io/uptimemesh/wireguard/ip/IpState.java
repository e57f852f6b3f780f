package io.uptimemesh.wireguard.ip;

import java.util.List;
import java.util.Map;

/**
 * The managed interfaces as read from the system.
 *
 * @param links the interfaces that exist, by name
 * @param routes their routes (IPv4 and IPv6, main table), without {@code proto kernel} ones
 */
public record IpState(Map<String, IpLink> links, List<IpRoute> routes) {
  public IpState {
    links = Map.copyOf(links);
    routes = List.copyOf(routes);
  }
}
