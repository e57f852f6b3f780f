package io.uptimemesh.agent.workloads;

/**
 * One change the reconciler made to LXD for a replica, and how long it took.
 *
 * @param what e.g. {@code created}, {@code snapshot gen-1}, {@code restored gen-1}
 * @param millis its duration
 */
public record ReplicaAction(String what, long millis) {
  @Override
  public String toString() {
    return what + " (" + millis + " ms)";
  }
}
