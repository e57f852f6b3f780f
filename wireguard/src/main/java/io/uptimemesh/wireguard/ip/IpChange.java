package io.uptimemesh.wireguard.ip;

/**
 * One step of bringing interfaces to an {@link IpSpec}, as one line of {@code ip -batch}. Every
 * token is an interface name, an address, a number or a keyword: nothing needs quoting.
 */
public sealed interface IpChange
    permits IpChange.SetLink,
        IpChange.AddAddress,
        IpChange.RemoveAddress,
        IpChange.ReplaceRoute,
        IpChange.DeleteRoute {

  /** The line for {@code ip -batch -} (a command without the leading {@code ip}). */
  String batchLine();

  /** The interface is down or has another MTU. */
  record SetLink(String device, int mtu) implements IpChange {
    @Override
    public String batchLine() {
      return "link set dev " + device + " up mtu " + mtu;
    }

    @Override
    public String toString() {
      return "ip " + batchLine();
    }
  }

  /**
   * The address is missing. IPv6 addresses skip duplicate address detection ({@code nodad}): on a
   * point-to-point tunnel there is nobody to collide with, and a tentative address could not be
   * used as a source for a second or so.
   */
  record AddAddress(LinkAddress address) implements IpChange {
    @Override
    public String batchLine() {
      return "address add "
          + address.withPrefix()
          + " dev "
          + address.device()
          + (address.isIpv6() ? " nodad" : "");
    }

    @Override
    public String toString() {
      return "ip " + batchLine();
    }
  }

  /** The address is not wanted. */
  record RemoveAddress(LinkAddress address) implements IpChange {
    @Override
    public String batchLine() {
      return "address del " + address.withPrefix() + " dev " + address.device();
    }

    @Override
    public String toString() {
      return "ip " + batchLine();
    }
  }

  /**
   * The route is missing or differs: {@code replace} puts it in place of whatever route has its
   * {@link IpRoute.Key}, in one step.
   */
  record ReplaceRoute(IpRoute route) implements IpChange {
    @Override
    public String batchLine() {
      return "route replace "
          + route.destination()
          + " dev "
          + route.device()
          + " metric "
          + route.metric()
          + " proto static"
          + route.source().map(s -> " src " + s).orElse("");
    }

    @Override
    public String toString() {
      return "ip " + batchLine();
    }
  }

  /** The route is not wanted. */
  record DeleteRoute(IpRoute route) implements IpChange {
    @Override
    public String batchLine() {
      return "route del "
          + route.destination()
          + " dev "
          + route.device()
          + " metric "
          + route.metric();
    }

    @Override
    public String toString() {
      return "ip " + batchLine();
    }
  }
}
