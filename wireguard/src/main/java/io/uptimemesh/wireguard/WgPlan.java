package io.uptimemesh.wireguard;

import java.util.List;

/**
 * The changes that bring an interface from what WireGuard reports to what is desired, in the order
 * they are applied: keys and port, then removed peers (which frees their allowed IPs), updated
 * peers, added peers. Empty when there is nothing to do.
 */
public record WgPlan(List<WgChange> changes) {
  public WgPlan {
    changes = List.copyOf(changes);
  }

  public boolean isEmpty() {
    return changes.isEmpty();
  }
}
