package io.uptimemesh.wireguard;

import java.util.Optional;

/**
 * What {@link WgBackend#apply} did.
 *
 * @param createdWith how the interface was created, empty when it existed already
 * @param broughtUp true if the link was down and was set up
 * @param plan the changes applied through {@code wg set}; empty when WireGuard already matched
 */
public record WgApplyResult(
    Optional<WgBackend.Implementation> createdWith, boolean broughtUp, WgPlan plan) {

  /** True if nothing at all had to change. */
  public boolean unchanged() {
    return createdWith.isEmpty() && !broughtUp && plan.isEmpty();
  }
}
