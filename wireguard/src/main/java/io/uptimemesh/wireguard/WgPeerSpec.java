package io.uptimemesh.wireguard;

import io.uptimemesh.core.error.UptimeMeshException;
import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One peer as the control plane wants it.
 *
 * @param publicKey identifies the peer
 * @param endpoint where to send to it; empty when the peer is reached only after it calls in (it
 *     then roams, and the endpoint WireGuard learns is not a difference)
 * @param allowedIps the networks routed to this peer; their order does not matter
 * @param persistentKeepaliveSeconds 0 for off, else 1 to 65535
 */
public record WgPeerSpec(
    WgPublicKey publicKey,
    Optional<WgEndpoint> endpoint,
    SortedSet<Cidr> allowedIps,
    int persistentKeepaliveSeconds) {

  public WgPeerSpec {
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(endpoint, "endpoint");
    allowedIps = Collections.unmodifiableSortedSet(new TreeSet<>(allowedIps));
    if (persistentKeepaliveSeconds < 0 || persistentKeepaliveSeconds > 65535) {
      throw UptimeMeshException.invalid(
          "persistent keepalive of peer "
              + publicKey
              + " must be 0 (off) to 65535 seconds, got "
              + persistentKeepaliveSeconds);
    }
  }

  /** A peer from text: key, endpoint ({@code null} for none), CIDRs, keepalive. */
  public static WgPeerSpec of(
      String publicKey, String endpoint, Collection<String> allowedIps, int keepaliveSeconds) {
    TreeSet<Cidr> cidrs = new TreeSet<>();
    for (String cidr : allowedIps) {
      cidrs.add(Cidr.parse(cidr));
    }
    return new WgPeerSpec(
        WgPublicKey.parse(publicKey),
        Optional.ofNullable(endpoint).map(WgEndpoint::parse),
        cidrs,
        keepaliveSeconds);
  }
}
