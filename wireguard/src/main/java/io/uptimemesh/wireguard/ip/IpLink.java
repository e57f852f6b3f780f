package io.uptimemesh.wireguard.ip;

import java.util.List;

/**
 * A network interface as {@code ip -j address show} reports it.
 *
 * @param name the interface name
 * @param up whether it is administratively up (the {@code UP} flag)
 * @param mtu its MTU
 * @param addresses its addresses, without the IPv6 link-local ones the kernel makes by itself
 *     (scope link: they are not ours to manage)
 */
public record IpLink(String name, boolean up, int mtu, List<LinkAddress> addresses) {
  public IpLink {
    addresses = List.copyOf(addresses);
  }
}
