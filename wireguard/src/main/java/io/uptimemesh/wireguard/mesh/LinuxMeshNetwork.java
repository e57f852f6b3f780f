package io.uptimemesh.wireguard.mesh;

import io.uptimemesh.wireguard.Cidr;
import io.uptimemesh.wireguard.CommandRunner;
import io.uptimemesh.wireguard.WgApplyResult;
import io.uptimemesh.wireguard.WgBackend;
import io.uptimemesh.wireguard.WgChange;
import io.uptimemesh.wireguard.WgInterfaceSpec;
import io.uptimemesh.wireguard.WgInterfaceState;
import io.uptimemesh.wireguard.WgPeerSpec;
import io.uptimemesh.wireguard.ip.IpBackend;
import io.uptimemesh.wireguard.ip.IpRoute;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mesh side of a Linux node: WireGuard through {@link WgBackend} (kernel or wireguard-go),
 * addresses and routes through {@link IpBackend}, laid out by {@link MeshLayout}.
 *
 * <p>{@link #apply} reads what is there and changes only what differs: the WireGuard interfaces
 * first (created if missing, then one {@code wg set} each for the peers that differ), then links
 * and addresses, then routes. A second apply with the same target runs no change at all. A path
 * switch is a route replace per affected destination, so traffic never finds no route.
 *
 * <p><b>Blocking</b>, like the backends: call it on a worker thread. Calls are serialized (one
 * apply at a time), so a reconcile and a status read cannot interleave between read and write.
 */
public final class LinuxMeshNetwork implements MeshNetwork {
  private static final Logger LOG = LoggerFactory.getLogger(LinuxMeshNetwork.class);

  private final WgBackend wireGuard;
  private final IpBackend ip;
  private String primaryName;
  private String secondaryName;

  /**
   * @param commands runs {@code wg}, {@code ip} and {@code wireguard-go}: {@link
   *     CommandRunner#direct()} on a node, {@link CommandRunner#inNamespace} in tests
   */
  public LinuxMeshNetwork(CommandRunner commands) {
    this.wireGuard = new WgBackend(commands);
    this.ip = new IpBackend(commands);
  }

  @Override
  public synchronized MeshApplyResult apply(MeshTarget target) {
    MeshLayout layout = MeshLayout.of(target);
    layout.skipped().forEach(why -> LOG.warn("{}", why));
    List<String> changes = new ArrayList<>();
    String secondary = target.secondary().map(MeshInterface::name).orElse(null);
    if (secondaryName != null && !secondaryName.equals(secondary)) {
      // The node lost (or renamed) its secondary path since the last apply: its old interface
      // would otherwise keep routes to the mesh.
      if (!secondaryName.equals(target.primary().name()) && wireGuard.remove(secondaryName)) {
        changes.add(secondaryName + ": removed");
      }
    }
    if (primaryName != null
        && !primaryName.equals(target.primary().name())
        && !primaryName.equals(secondary)
        && wireGuard.remove(primaryName)) {
      changes.add(primaryName + ": removed");
    }
    primaryName = target.primary().name();
    secondaryName = secondary;
    for (WgInterfaceSpec spec : layout.interfaces()) {
      changes.addAll(describe(spec.name(), wireGuard.apply(spec)));
    }
    changes.addAll(ip.apply(layout.network()));
    if (!changes.isEmpty()) {
      LOG.info(
          "mesh applied at revision {}: {} change(s)", target.desired().revision(), changes.size());
    }
    return new MeshApplyResult(changes);
  }

  /** The interfaces of the last {@link #apply}; empty before the first one. */
  @Override
  public synchronized MeshObservation observe() {
    if (primaryName == null) {
      return new MeshObservation(Optional.empty(), Optional.empty(), List.of());
    }
    return observe(primaryName, Optional.ofNullable(secondaryName));
  }

  /** The named interfaces, whether or not this instance applied them (e.g. after a restart). */
  public synchronized MeshObservation observe(String primary, Optional<String> secondary) {
    Optional<WgInterfaceState> first = wireGuard.observe(primary);
    Optional<WgInterfaceState> second = secondary.flatMap(wireGuard::observe);
    Set<String> devices = new LinkedHashSet<>();
    devices.add(primary);
    secondary.ifPresent(devices::add);
    List<String> routes =
        ip.observe(devices).routes().stream().sorted().map(IpRoute::toString).toList();
    return new MeshObservation(first, second, routes);
  }

  /**
   * Removes both interfaces; their addresses and routes go with them.
   *
   * @param secondaryIface may be null when the node has no secondary interface
   */
  @Override
  public synchronized void tearDown(String primaryIface, String secondaryIface) {
    wireGuard.remove(primaryIface);
    if (secondaryIface != null) {
      wireGuard.remove(secondaryIface);
    }
    primaryName = null;
    secondaryName = null;
  }

  /** One line per change, never a private key (only that it changed). */
  private static List<String> describe(String iface, WgApplyResult result) {
    List<String> lines = new ArrayList<>();
    result
        .createdWith()
        .ifPresent(
            how ->
                lines.add(
                    iface
                        + ": created ("
                        + (how == WgBackend.Implementation.KERNEL ? "kernel" : "wireguard-go")
                        + ")"));
    if (result.broughtUp()) {
      lines.add(iface + ": set up");
    }
    for (WgChange change : result.plan().changes()) {
      lines.add(iface + ": " + describe(change));
    }
    return lines;
  }

  private static String describe(WgChange change) {
    if (change instanceof WgChange.SetPrivateKey) {
      return "new private key";
    } else if (change instanceof WgChange.SetListenPort port) {
      return "listen port " + port.listenPort();
    } else if (change instanceof WgChange.AddPeer add) {
      return "add peer " + peer(add.peer());
    } else if (change instanceof WgChange.UpdatePeer update) {
      return "update peer "
          + peer(update.peer())
          + " ("
          + update.changed().stream()
              .map(f -> f.name().toLowerCase(Locale.ROOT))
              .sorted()
              .collect(Collectors.joining(", "))
          + ")";
    } else if (change instanceof WgChange.RemovePeer remove) {
      return "remove peer " + remove.publicKey();
    }
    throw new IllegalStateException("unknown change " + change.getClass());
  }

  private static String peer(WgPeerSpec peer) {
    return peer.publicKey()
        + peer.endpoint().map(e -> " endpoint " + e).orElse("")
        + " allowed-ips "
        + peer.allowedIps().stream().map(Cidr::toString).collect(Collectors.joining(","));
  }
}
