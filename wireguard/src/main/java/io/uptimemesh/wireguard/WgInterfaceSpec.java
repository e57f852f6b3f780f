package io.uptimemesh.wireguard;

import io.uptimemesh.core.error.UptimeMeshException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A WireGuard interface as it should be: the desired side of {@link WgDiff}.
 *
 * @param name the Linux interface name: 1 to 15 of {@code [a-zA-Z0-9_=+.-]}, not {@code .} or
 *     {@code ..}
 * @param privateKey this node's key for the interface (prints redacted)
 * @param listenPort the UDP port, 1 to 65535 (pinned, so peers can be told it)
 * @param peers at most one per public key; no CIDR routed to two peers (WireGuard would silently
 *     move it to the last one, and the reconcile would fight it forever)
 */
public record WgInterfaceSpec(
    String name, WgPrivateKey privateKey, int listenPort, List<WgPeerSpec> peers) {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_=+.-]{1,15}");

  public WgInterfaceSpec {
    requireValidName(name);
    Objects.requireNonNull(privateKey, "privateKey");
    if (listenPort < 1 || listenPort > 65535) {
      throw UptimeMeshException.invalid(
          "listen port of " + name + " must be 1 to 65535, got " + listenPort);
    }
    peers = List.copyOf(peers);
    WgPublicKey own = privateKey.publicKey();
    Map<WgPublicKey, Boolean> keys = new HashMap<>();
    Map<Cidr, WgPublicKey> routes = new HashMap<>();
    for (WgPeerSpec peer : peers) {
      if (peer.publicKey().equals(own)) {
        throw UptimeMeshException.invalid(name + " cannot have its own public key as a peer");
      }
      if (keys.put(peer.publicKey(), Boolean.TRUE) != null) {
        throw UptimeMeshException.invalid(name + " lists peer " + peer.publicKey() + " twice");
      }
      for (Cidr cidr : peer.allowedIps()) {
        WgPublicKey before = routes.put(cidr, peer.publicKey());
        if (before != null) {
          throw UptimeMeshException.invalid(
              "allowed IP "
                  + cidr
                  + " of "
                  + name
                  + " is given to two peers: "
                  + before
                  + " and "
                  + peer.publicKey());
        }
      }
    }
  }

  /**
   * Checks a Linux interface name.
   *
   * @throws UptimeMeshException (invalid request) naming the rule it breaks
   */
  public static String requireValidName(String name) {
    if (name == null || !NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      throw UptimeMeshException.invalid(
          "interface name "
              + name
              + " must be 1 to 15 characters of a-z A-Z 0-9 _ = + . - (and not . or ..)");
    }
    return name;
  }
}
