package io.uptimemesh.wireguard.ip;

import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.wireguard.Cidr;
import java.util.Comparator;
import java.util.Objects;

/**
 * An address on a network interface, e.g. {@code 10.42.0.1/32 dev umwg0}.
 *
 * @param device the interface
 * @param address the address, kept in canonical form so desired and observed compare equal
 * @param prefixLength its prefix length (our own addresses are host addresses: 32 or 128)
 */
public record LinkAddress(String device, String address, int prefixLength)
    implements Comparable<LinkAddress> {
  private static final Comparator<LinkAddress> ORDER =
      Comparator.comparing(LinkAddress::device)
          .thenComparing((LinkAddress a) -> Cidr.host(a.address()))
          .thenComparingInt(LinkAddress::prefixLength);

  public LinkAddress {
    Objects.requireNonNull(device, "device");
    Cidr host = Cidr.host(address);
    address = host.address();
    if (prefixLength < 0 || prefixLength > host.prefix()) {
      throw UptimeMeshException.invalid(
          "prefix length of " + address + " must be 0 to " + host.prefix());
    }
  }

  /** A host address: {@code /32} for IPv4, {@code /128} for IPv6. */
  public static LinkAddress host(String device, String address) {
    return new LinkAddress(device, address, Cidr.host(address).prefix());
  }

  /** True for an IPv6 address. */
  public boolean isIpv6() {
    return address.contains(":");
  }

  /** {@code address/prefix}, as {@code ip address add} takes it. */
  public String withPrefix() {
    return address + "/" + prefixLength;
  }

  @Override
  public int compareTo(LinkAddress other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return withPrefix() + " dev " + device;
  }
}
