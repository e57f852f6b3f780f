package io.uptimemesh.wireguard;

import java.util.List;
import java.util.Optional;

/**
 * A WireGuard interface as {@code wg show <iface> dump} reports it: the observed side of {@link
 * WgDiff}.
 *
 * @param privateKey empty for {@code (none)} (prints redacted)
 * @param publicKey empty for {@code (none)}
 * @param listenPort the UDP port (WireGuard picks one at random until it is set)
 * @param fwmark 0 for {@code off}
 * @param peers in the order WireGuard reports them
 */
public record WgInterfaceState(
    Optional<WgPrivateKey> privateKey,
    Optional<WgPublicKey> publicKey,
    int listenPort,
    long fwmark,
    List<WgPeerState> peers) {

  public WgInterfaceState {
    peers = List.copyOf(peers);
  }

  /** The peer with {@code key}, if WireGuard has it. */
  public Optional<WgPeerState> peer(WgPublicKey key) {
    return peers.stream().filter(p -> p.publicKey().equals(key)).findFirst();
  }
}
