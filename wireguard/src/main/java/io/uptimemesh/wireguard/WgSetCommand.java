package io.uptimemesh.wireguard;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Renders a {@link WgPlan} as one {@code wg set} command line, so a plan is applied in one call.
 * The private key never appears on it: the command reads it from {@code /dev/stdin}, and {@link
 * #stdin(WgPlan)} gives what to feed it (a command line is visible to every user through
 * /proc/PID/cmdline; a pipe is not).
 */
public final class WgSetCommand {
  /** Where {@code wg set} reads the private key from. */
  static final String KEY_FROM_STDIN = "/dev/stdin";

  private WgSetCommand() {}

  /** {@code wg set IFACE ...} for {@code plan}; meaningless for an empty plan. */
  public static List<String> argv(String iface, WgPlan plan) {
    List<String> argv = new ArrayList<>(List.of("wg", "set", iface));
    for (WgChange change : plan.changes()) {
      if (change instanceof WgChange.SetPrivateKey) {
        argv.add("private-key");
        argv.add(KEY_FROM_STDIN);
      } else if (change instanceof WgChange.SetListenPort port) {
        argv.add("listen-port");
        argv.add(Integer.toString(port.listenPort()));
      } else if (change instanceof WgChange.RemovePeer remove) {
        argv.addAll(List.of("peer", remove.publicKey().base64(), "remove"));
      } else if (change instanceof WgChange.UpdatePeer update) {
        peer(
            argv,
            update.peer(),
            update.changed().contains(WgChange.PeerField.ENDPOINT),
            update.changed().contains(WgChange.PeerField.ALLOWED_IPS),
            update.changed().contains(WgChange.PeerField.PERSISTENT_KEEPALIVE));
      } else if (change instanceof WgChange.AddPeer add) {
        peer(argv, add.peer(), true, true, true);
      }
    }
    return List.copyOf(argv);
  }

  /** What to write to the command's standard input: the private key, if the plan sets it. */
  public static Optional<String> stdin(WgPlan plan) {
    return plan.changes().stream()
        .filter(WgChange.SetPrivateKey.class::isInstance)
        .map(c -> ((WgChange.SetPrivateKey) c).privateKey().reveal() + "\n")
        .findFirst();
  }

  private static void peer(
      List<String> argv, WgPeerSpec peer, boolean endpoint, boolean allowedIps, boolean keepalive) {
    argv.add("peer");
    argv.add(peer.publicKey().base64());
    if (endpoint && peer.endpoint().isPresent()) {
      argv.add("endpoint");
      argv.add(peer.endpoint().get().toString());
    }
    if (allowedIps) {
      // The list replaces the peer's allowed IPs; an empty argument clears them.
      argv.add("allowed-ips");
      argv.add(peer.allowedIps().stream().map(Cidr::toString).collect(Collectors.joining(",")));
    }
    if (keepalive) {
      argv.add("persistent-keepalive");
      int seconds = peer.persistentKeepaliveSeconds();
      argv.add(seconds == 0 ? "off" : Integer.toString(seconds));
    }
  }
}
