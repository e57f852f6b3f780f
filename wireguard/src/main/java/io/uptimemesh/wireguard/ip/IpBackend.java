package io.uptimemesh.wireguard.ip;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.wireguard.CommandRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings interfaces to an {@link IpSpec} with the real {@code ip}: reads links, addresses and
 * routes as JSON ({@code ip -j}), and applies only the difference, each stage as one {@code ip
 * -batch -} (one process for thousands of routes: a mesh of 1,000 peers has over 2,000).
 *
 * <p>Only the managed interfaces are touched, and on them no {@code proto kernel} route and no
 * link-local address: those are the kernel's.
 *
 * <p><b>Blocking</b>: runs child processes. Call it on a worker thread, one caller at a time.
 */
public final class IpBackend {
  private static final Logger LOG = LoggerFactory.getLogger(IpBackend.class);

  private final CommandRunner commands;

  public IpBackend(CommandRunner commands) {
    this.commands = commands;
  }

  /** The managed interfaces that exist, with their addresses and routes. Blocking. */
  public IpState observe(Set<String> devices) {
    return new IpState(links(devices), routes(devices));
  }

  /**
   * Applies what differs from {@code spec}: links and addresses, then routes read again (the kernel
   * drops routes whose source address went away). Blocking.
   *
   * @return the changes made, in order; empty if none
   * @throws UptimeMeshException (internal) if a managed interface is missing or {@code ip} refuses
   *     a change (the others of the batch are still applied)
   */
  public List<String> apply(IpSpec spec) {
    Set<String> devices = Set.copyOf(spec.devices());
    List<IpChange> links = IpDiff.links(spec, links(devices));
    run(links);
    List<String> changes = new ArrayList<>();
    links.forEach(c -> changes.add(c.toString()));
    changes.addAll(looseReversePathFilter(devices));
    List<IpChange> routes = IpDiff.routes(spec, routes(devices));
    run(routes);
    routes.forEach(c -> changes.add(c.toString()));
    return List.copyOf(changes);
  }

  private List<String> looseReversePathFilter(Set<String> devices) {
    Set<String> strict =
        IpJson.strictReversePathFilter(
            commands.run("ip", "-j", "netconf", "show").stdout(), devices);
    if (strict.isEmpty()) {
      return List.of();
    }
    List<String> argv = new ArrayList<>(List.of("sysctl", "-q", "-w"));
    // The slash form: an interface name may hold a dot, which the dotted form would split.
    strict.forEach(d -> argv.add("net/ipv4/conf/" + d + "/rp_filter=2"));
    commands.run(argv.toArray(String[]::new));
    return strict.stream().map(d -> "sysctl net.ipv4.conf." + d + ".rp_filter=2").toList();
  }

  private Map<String, IpLink> links(Set<String> devices) {
    return IpJson.links(commands.run("ip", "-j", "address", "show").stdout(), devices);
  }

  private List<IpRoute> routes(Set<String> devices) {
    List<IpRoute> routes = new ArrayList<>();
    routes.addAll(
        IpJson.routes(
            commands.run("ip", "-j", "-4", "route", "show", "table", "main").stdout(),
            false,
            devices));
    routes.addAll(
        IpJson.routes(
            commands.run("ip", "-j", "-6", "route", "show", "table", "main").stdout(),
            true,
            devices));
    return routes;
  }

  /** Thousands of refused lines would flood the log: the first ones say what went wrong. */
  private static String abbreviate(String text) {
    return text.length() <= 2000 ? text : text.substring(0, 2000) + " …";
  }

  private void run(List<IpChange> changes) {
    if (changes.isEmpty()) {
      return;
    }
    String batch = changes.stream().map(c -> c.batchLine() + "\n").collect(Collectors.joining());
    // -force: one refused line (say, a route someone else holds) must not keep the rest out.
    CommandRunner.Result result = commands.exec(batch, "ip", "-force", "-batch", "-");
    if (!result.ok()) {
      throw new UptimeMeshException(
          ErrorCode.INTERNAL,
          "ip refused some of "
              + changes.size()
              + " change(s) (the others are applied): "
              + abbreviate(result.stderr().strip()));
    }
    LOG.debug("ip applied {} change(s)", changes.size());
  }
}
