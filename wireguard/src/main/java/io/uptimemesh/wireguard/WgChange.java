package io.uptimemesh.wireguard;

import java.util.Set;

/** One step of a {@link WgPlan}: what {@code wg set} must change on an interface. */
public sealed interface WgChange
    permits WgChange.SetPrivateKey,
        WgChange.SetListenPort,
        WgChange.AddPeer,
        WgChange.UpdatePeer,
        WgChange.RemovePeer {

  /** Which settings of an existing peer differ. */
  enum PeerField {
    ENDPOINT,
    ALLOWED_IPS,
    PERSISTENT_KEEPALIVE
  }

  /** The interface has no private key or another one. Prints the key redacted. */
  record SetPrivateKey(WgPrivateKey privateKey) implements WgChange {}

  /** The interface listens on another port. */
  record SetListenPort(int listenPort) implements WgChange {}

  /** The peer is missing. */
  record AddPeer(WgPeerSpec peer) implements WgChange {}

  /** The peer exists with other settings; {@code changed} says which ones to set. */
  record UpdatePeer(WgPeerSpec peer, Set<PeerField> changed) implements WgChange {
    public UpdatePeer {
      changed = Set.copyOf(changed);
    }
  }

  /** The peer is not wanted any more. */
  record RemovePeer(WgPublicKey publicKey) implements WgChange {}
}
