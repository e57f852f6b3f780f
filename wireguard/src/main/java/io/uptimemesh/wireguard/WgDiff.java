package io.uptimemesh.wireguard;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compares desired ({@link WgInterfaceSpec}) with observed ({@link WgInterfaceState}) and plans the
 * smallest set of changes. Pure.
 *
 * <p>What is compared, and what deliberately is not:
 *
 * <ul>
 *   <li>private key and listen port;
 *   <li>peers by public key: allowed IPs as sets (order is WireGuard's business), keepalive, and
 *       the endpoint only when the spec names one: a peer without a configured endpoint is reached
 *       where it last called in from, and that learned endpoint is not a difference;
 *   <li>not compared: fwmark and preshared keys (we set neither), handshakes and transfer counts
 *       (observations, not configuration).
 * </ul>
 */
public final class WgDiff {
  private WgDiff() {}

  /** The changes that make {@code observed} match {@code spec}; empty when they already match. */
  public static WgPlan plan(WgInterfaceSpec spec, WgInterfaceState observed) {
    List<WgChange> changes = new ArrayList<>();
    if (!observed.privateKey().equals(Optional.of(spec.privateKey()))) {
      changes.add(new WgChange.SetPrivateKey(spec.privateKey()));
    }
    if (observed.listenPort() != spec.listenPort()) {
      changes.add(new WgChange.SetListenPort(spec.listenPort()));
    }
    Map<WgPublicKey, WgPeerSpec> desired = new TreeMap<>();
    spec.peers().forEach(p -> desired.put(p.publicKey(), p));
    Map<WgPublicKey, WgPeerState> actual = new TreeMap<>();
    observed.peers().forEach(p -> actual.put(p.publicKey(), p));

    for (WgPublicKey key : actual.keySet()) {
      if (!desired.containsKey(key)) {
        changes.add(new WgChange.RemovePeer(key));
      }
    }
    List<WgChange> additions = new ArrayList<>();
    for (WgPeerSpec want : desired.values()) {
      WgPeerState have = actual.get(want.publicKey());
      if (have == null) {
        additions.add(new WgChange.AddPeer(want));
        continue;
      }
      Set<WgChange.PeerField> changed = differences(want, have);
      if (!changed.isEmpty()) {
        changes.add(new WgChange.UpdatePeer(want, changed));
      }
    }
    changes.addAll(additions);
    return new WgPlan(changes);
  }

  private static Set<WgChange.PeerField> differences(WgPeerSpec want, WgPeerState have) {
    Set<WgChange.PeerField> changed = EnumSet.noneOf(WgChange.PeerField.class);
    if (want.endpoint().isPresent() && !want.endpoint().equals(have.endpoint())) {
      changed.add(WgChange.PeerField.ENDPOINT);
    }
    if (!want.allowedIps().equals(have.allowedIps())) {
      changed.add(WgChange.PeerField.ALLOWED_IPS);
    }
    if (want.persistentKeepaliveSeconds() != have.persistentKeepaliveSeconds()) {
      changed.add(WgChange.PeerField.PERSISTENT_KEEPALIVE);
    }
    return changed;
  }
}
