package io.uptimemesh.wireguard;

import java.time.Instant;
import java.util.Collections;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One peer as {@code wg show <iface> dump} reports it: the observed side of {@link WgDiff}.
 *
 * @param publicKey identifies the peer
 * @param hasPresharedKey whether a preshared key is set (the key itself is never kept)
 * @param endpoint the configured or last learned endpoint, empty for {@code (none)}
 * @param allowedIps the networks routed to this peer
 * @param latestHandshake empty when no handshake happened yet (WireGuard prints 0)
 * @param rxBytes bytes received from this peer
 * @param txBytes bytes sent to this peer
 * @param persistentKeepaliveSeconds 0 for {@code off}
 */
public record WgPeerState(
    WgPublicKey publicKey,
    boolean hasPresharedKey,
    Optional<WgEndpoint> endpoint,
    SortedSet<Cidr> allowedIps,
    Optional<Instant> latestHandshake,
    long rxBytes,
    long txBytes,
    int persistentKeepaliveSeconds) {

  public WgPeerState {
    allowedIps = Collections.unmodifiableSortedSet(new TreeSet<>(allowedIps));
  }
}
