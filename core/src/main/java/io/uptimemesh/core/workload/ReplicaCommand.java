package io.uptimemesh.core.workload;

import java.util.Objects;
import java.util.Set;

/**
 * An operator's command for one replica's container ({@code replicas restart|snapshot|restore}),
 * carried in its {@link ReplicaRecord} so that it reaches the agent through the workloads stream
 * like everything else the agent must do. Only the latest command is kept: the API refuses a new
 * one (409) while the agent has not reported the previous one done ({@link
 * ReplicaStatus#commandSeq()} below {@code seq}).
 *
 * @param seq 1, 2, …: one more than the replica's previous command
 * @param kind {@code restart}, {@code snapshot} or {@code restore}
 * @param snapshot the snapshot name for {@code snapshot} and {@code restore} (an LXD snapshot name:
 *     letters, digits, {@code -}, {@code _}, {@code .}; {@code gen-*} names are the agent's own),
 *     empty for {@code restart}
 * @param requestedAtMs epoch milliseconds
 * @param by the user who asked
 */
public record ReplicaCommand(
    long seq, String kind, String snapshot, long requestedAtMs, String by) {
  public static final String RESTART = "restart";
  public static final String SNAPSHOT = "snapshot";
  public static final String RESTORE = "restore";
  public static final Set<String> KINDS = Set.of(RESTART, SNAPSHOT, RESTORE);

  public ReplicaCommand {
    Objects.requireNonNull(kind, "kind");
    if (!KINDS.contains(kind)) {
      throw new IllegalArgumentException("unknown replica command " + kind);
    }
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be >= 1");
    }
    snapshot = snapshot == null ? "" : snapshot;
    by = by == null ? "" : by;
  }
}
