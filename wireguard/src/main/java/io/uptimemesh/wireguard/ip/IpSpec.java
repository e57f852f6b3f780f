package io.uptimemesh.wireguard.ip;

import io.uptimemesh.core.error.UptimeMeshException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What some interfaces should look like at the IP layer: up with an MTU, exactly these addresses,
 * exactly these routes. The interfaces are {@link IpBackend}'s to manage: any other address on them
 * (but a kernel-made link-local one) and any other route on them (but {@code proto kernel} ones)
 * goes.
 *
 * @param devices the managed interfaces
 * @param mtu the MTU of each
 * @param addresses the addresses, each on a managed interface
 * @param routes the routes, each on a managed interface, no two with the same {@link IpRoute.Key}
 */
public record IpSpec(
    List<String> devices, int mtu, SortedSet<LinkAddress> addresses, SortedSet<IpRoute> routes) {

  public IpSpec {
    devices = List.copyOf(devices);
    addresses = Collections.unmodifiableSortedSet(new TreeSet<>(addresses));
    routes = Collections.unmodifiableSortedSet(new TreeSet<>(routes));
    if (mtu < 1280 || mtu > 65535) {
      throw UptimeMeshException.invalid("MTU must be 1280 to 65535, got " + mtu);
    }
    for (LinkAddress address : addresses) {
      requireManaged(devices, address.device(), "address " + address);
    }
    Set<IpRoute.Key> keys = new HashSet<>();
    for (IpRoute route : routes) {
      requireManaged(devices, route.device(), "route " + route);
      if (!keys.add(route.key())) {
        throw UptimeMeshException.invalid(
            "two routes to "
                + route.destination()
                + " have metric "
                + route.metric()
                + ": the kernel keeps one");
      }
    }
  }

  private static void requireManaged(List<String> devices, String device, String what) {
    if (!devices.contains(device)) {
      throw UptimeMeshException.invalid(what + " is on " + device + ", not a managed interface");
    }
  }
}
