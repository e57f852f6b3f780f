package io.uptimemesh.core.workload;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The rollout of a service to a generation ({@code rollouts/{service}}), written by the leader's
 * rollout job in fenced transactions (ADR 0014). One per service: a new generation replaces a
 * finished or failed rollout's record.
 *
 * @param schema {@value #SCHEMA}
 * @param service the service
 * @param fromGeneration the generation the replicas ran before (the lowest one still running when
 *     the rollout began)
 * @param toGeneration the generation rolled out
 * @param state {@code running}, {@code succeeded} or {@code failed}
 * @param steps replica id → its step
 * @param reason why it failed (which replica, what happened), empty otherwise
 * @param startedAtMs epoch milliseconds
 * @param updatedAtMs epoch milliseconds
 */
public record RolloutRecord(
    int schema,
    String service,
    long fromGeneration,
    long toGeneration,
    String state,
    Map<String, RolloutStep> steps,
    String reason,
    long startedAtMs,
    long updatedAtMs) {
  public static final int SCHEMA = 1;
  public static final String RUNNING = "running";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";

  public RolloutRecord {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(state, "state");
    steps = steps == null ? Map.of() : Map.copyOf(new TreeMap<>(steps));
    reason = reason == null ? "" : reason;
  }

  public boolean failed() {
    return FAILED.equals(state);
  }

  public boolean running() {
    return RUNNING.equals(state);
  }

  /**
   * The generation new replicas of the service must run: after a failed rollout to the service's
   * current generation, the generation it came from (the one still serving), else the current.
   */
  public static long generationForNewReplicas(long serviceGeneration, RolloutRecord rollout) {
    if (rollout != null && rollout.failed() && rollout.toGeneration() == serviceGeneration) {
      return rollout.fromGeneration();
    }
    return serviceGeneration;
  }

  /**
   * One replica's step.
   *
   * @param state {@code pending}, {@code updating} (its record names the new generation; waiting
   *     for it to run and be healthy), {@code done}, or {@code restored} (set back to the old
   *     generation after it failed)
   * @param startedAtMs when it entered {@code updating}, 0 before
   * @param reason why it failed, empty otherwise
   */
  public record RolloutStep(String state, long startedAtMs, String reason) {
    public static final String PENDING = "pending";
    public static final String UPDATING = "updating";
    public static final String DONE = "done";
    public static final String RESTORED = "restored";

    public RolloutStep {
      Objects.requireNonNull(state, "state");
      reason = reason == null ? "" : reason;
    }
  }
}
