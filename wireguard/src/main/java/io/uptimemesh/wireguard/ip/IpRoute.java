package io.uptimemesh.wireguard.ip;

import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.wireguard.Cidr;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * A route of the main table straight onto an interface (no gateway: a WireGuard interface is
 * point-to-point, WireGuard picks the peer by the destination).
 *
 * @param device the interface
 * @param destination the routed network
 * @param metric the route's metric ({@code ip}'s "metric", the kernel's priority)
 * @param source the preferred source address ({@code src}), empty for none; stored in canonical
 *     form so desired and observed compare equal
 */
public record IpRoute(String device, Cidr destination, long metric, Optional<String> source)
    implements Comparable<IpRoute> {

  /**
   * What the kernel keys a route by within a table: destination and metric. Two routes with the
   * same key cannot both exist (IPv4 refuses the second, "File exists"), and {@code ip route
   * replace} with a key swaps the route in place, whatever device it was on: that is how a path
   * switch moves traffic without a moment with no route.
   */
  public record Key(Cidr destination, long metric) {}

  private static final Comparator<IpRoute> ORDER =
      Comparator.comparing(IpRoute::destination)
          .thenComparingLong(IpRoute::metric)
          .thenComparing(IpRoute::device)
          .thenComparing(r -> r.source().orElse(""));

  public IpRoute {
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(destination, "destination");
    source = source.map(s -> Cidr.host(s).address());
    if (metric < 0 || metric > 0xffffffffL) {
      throw UptimeMeshException.invalid("route metric must be 0 to 4294967295, got " + metric);
    }
  }

  /** The route's key in the kernel's table. */
  public Key key() {
    return new Key(destination, metric);
  }

  @Override
  public int compareTo(IpRoute other) {
    return ORDER.compare(this, other);
  }

  /** As {@code ip route} prints it (in our field order). */
  @Override
  public String toString() {
    return destination
        + " dev "
        + device
        + " metric "
        + metric
        + source.map(s -> " src " + s).orElse("");
  }
}
