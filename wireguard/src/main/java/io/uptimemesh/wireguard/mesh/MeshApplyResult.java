package io.uptimemesh.wireguard.mesh;

import java.util.List;

/**
 * What one {@link MeshNetwork#apply} changed, one line per change (for the log and the status),
 * never containing a private key.
 */
public record MeshApplyResult(List<String> changes) {
  public MeshApplyResult {
    changes = List.copyOf(changes);
  }

  /** True if anything was changed. */
  public boolean changed() {
    return !changes.isEmpty();
  }
}
