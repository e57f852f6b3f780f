package io.uptimemesh.wireguard.ip;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares an {@link IpSpec} with what {@code ip} reports and plans the smallest set of changes.
 * Pure. Two stages, because routes name their source address and the kernel drops routes whose
 * source address goes away: links and addresses first, then routes, read again after the first
 * stage is applied.
 */
public final class IpDiff {
  private IpDiff() {}

  /**
   * Links up with the right MTU, then addresses removed, then added.
   *
   * @param observed the managed interfaces as read; each one in the spec must exist
   * @throws UptimeMeshException (internal) if a managed interface does not exist
   */
  public static List<IpChange> links(IpSpec spec, Map<String, IpLink> observed) {
    List<IpChange> links = new ArrayList<>();
    List<IpChange> removals = new ArrayList<>();
    List<IpChange> additions = new ArrayList<>();
    for (String device : spec.devices()) {
      IpLink link = observed.get(device);
      if (link == null) {
        throw new UptimeMeshException(
            ErrorCode.INTERNAL,
            "interface " + device + " does not exist; it must be created first");
      }
      if (!link.up() || link.mtu() != spec.mtu()) {
        links.add(new IpChange.SetLink(device, spec.mtu()));
      }
      Set<LinkAddress> have = new TreeSet<>(link.addresses());
      Set<LinkAddress> want = new TreeSet<>();
      spec.addresses().stream().filter(a -> a.device().equals(device)).forEach(want::add);
      have.stream()
          .filter(a -> !want.contains(a))
          .forEach(a -> removals.add(new IpChange.RemoveAddress(a)));
      want.stream()
          .filter(a -> !have.contains(a))
          .forEach(a -> additions.add(new IpChange.AddAddress(a)));
    }
    links.addAll(removals);
    links.addAll(additions);
    return List.copyOf(links);
  }

  /**
   * Routes deleted, then routes replaced. A route whose {@link IpRoute.Key} the spec still uses is
   * not deleted: the replace that follows swaps it for the wanted one in one step, so a path switch
   * (two routes trading metrics) never leaves a destination without a route.
   *
   * @param observed the routes on the managed interfaces, without {@code proto kernel} ones
   */
  public static List<IpChange> routes(IpSpec spec, List<IpRoute> observed) {
    Set<IpRoute> want = spec.routes();
    Set<IpRoute.Key> wantedKeys = new HashSet<>();
    want.forEach(r -> wantedKeys.add(r.key()));
    Set<IpRoute> present = new HashSet<>();
    Set<IpRoute.Key> claimed = new HashSet<>();
    for (IpRoute route : observed) {
      if (want.contains(route) && present.add(route)) {
        claimed.add(route.key());
      }
    }
    List<IpChange> changes = new ArrayList<>();
    for (IpRoute route : new TreeSet<>(observed)) {
      if (present.contains(route)) {
        continue;
      }
      // One observed route per wanted key may stay for the replace to overwrite; any other goes.
      if (!wantedKeys.contains(route.key()) || !claimed.add(route.key())) {
        changes.add(new IpChange.DeleteRoute(route));
      }
    }
    for (IpRoute route : want) {
      if (!present.contains(route)) {
        changes.add(new IpChange.ReplaceRoute(route));
      }
    }
    return List.copyOf(changes);
  }
}
