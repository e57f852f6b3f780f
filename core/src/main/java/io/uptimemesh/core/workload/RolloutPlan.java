package io.uptimemesh.core.workload;

import io.uptimemesh.core.workload.RolloutRecord.RolloutStep;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The next step of one service's rollout (ADR 0014 "Rollout"): a pure, deterministic function of
 * one read of the cluster, like {@link SchedulerPlan}. The leader's rollout job writes the result
 * in one fenced transaction; a new leader reads the record and continues (every step's clock runs
 * from its {@code startedAtMs}).
 *
 * <ul>
 *   <li>A rollout starts when a replica's generation differs from the service's, unless the record
 *       is a failed rollout to that very generation (it stays failed until {@code services
 *       rollout}). A record to another generation (a newer apply or a rollback) is superseded by a
 *       new one from the replicas' current generations.
 *   <li>Availability: a serving replica is only taken out (its step started) while the serving
 *       replicas (of any generation, surge replicas included; those {@code updating} do not count)
 *       minus one stay at least {@code replicas - max_unavailable}. With {@code max_unavailable} 0
 *       and a {@code max_surge} the rollout therefore waits until the scheduler's surge replica
 *       (placed at the new generation while the rollout runs, ADR 0014) serves, then updates the
 *       old replicas in place one at a time, never going below {@code replicas} serving. At most
 *       {@code max_unavailable + max_surge} replicas are {@code updating} at once. Replicas that do
 *       not serve anyway are updated first: that costs nothing.
 *   <li>A step is done when the agent reports the new generation running and the replica is healthy
 *       (or has no ports). It fails when that does not happen within the health timeout, when the
 *       agent reports {@code failed} on the new generation, or the replica is unhealthy while
 *       running it: the replica is set back to the old generation (the agent restores its {@code
 *       gen-<old>} snapshot), its step is {@code restored}, the rollout {@code failed} with the
 *       reason, and no further replica moves; other replicas still {@code updating} then are set
 *       back (and {@code restored}) too, so only replicas that proved healthy stay on it.
 *   <li>Replicas the scheduler places meanwhile at the new generation (surge or replacements) count
 *       as done once serving. One placed since the rollout started that does not serve within the
 *       health timeout of its {@code createdAtMs} (or reports {@code failed}, or runs unhealthy)
 *       fails the rollout like a failed step, but is not set back (it has no old generation): its
 *       step stays {@code pending} with the reason. The updating ones are set back as above; once
 *       the rollout is over the scheduler's surge is 0 and it removes the replica as surplus (not
 *       serving goes first), or drops it if it is a replacement (on another generation than new
 *       replicas get, not serving).
 *   <li>A rollout that cannot take its next step (too few replicas serve, nothing updating, no
 *       surge replica coming) and whose record did not change for the health timeout fails with the
 *       reason (nothing is set back: nothing is in flight), rather than running for ever.
 * </ul>
 *
 * @param record the record to write, or null when there is none and none is needed
 * @param recordChanged whether {@code record} differs from the input's (something to write)
 * @param replicas replica records whose generation changes, in id order
 * @param events what happened, in order (for the event log)
 */
public record RolloutPlan(
    RolloutRecord record, boolean recordChanged, List<ReplicaRecord> replicas, List<Event> events) {

  /** An event to record: {@code rollout_started}, {@code rollout_step_done}, … with fields. */
  public record Event(String name, Map<String, String> fields) {
    public Event {
      fields = Map.copyOf(fields);
    }
  }

  public static final String STARTED = "rollout_started";
  public static final String STEP_DONE = "rollout_step_done";
  public static final String FAILED = "rollout_failed";
  public static final String SUCCEEDED = "rollout_succeeded";

  public RolloutPlan {
    replicas = List.copyOf(replicas);
    events = List.copyOf(events);
  }

  /** True when there is nothing to write. */
  public boolean nothingToWrite() {
    return !recordChanged && replicas.isEmpty();
  }

  public static RolloutPlan plan(RolloutInput in) {
    Objects.requireNonNull(in, "input");
    RolloutRecord current = in.current();
    if (in.spec() == null) {
      return new RolloutPlan(current, false, List.of(), List.of());
    }
    return new Planner(in).plan();
  }

  /** One planning pass over one service. */
  private static final class Planner {
    private final RolloutInput in;
    private final long to;
    private final List<ReplicaRecord> replicas;
    private final List<ReplicaRecord> changed = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();

    Planner(RolloutInput in) {
      this.in = in;
      this.to = in.generation();
      this.replicas =
          in.replicas().stream().sorted(Comparator.comparing(ReplicaRecord::id)).toList();
    }

    RolloutPlan plan() {
      RolloutRecord current = in.current();
      RolloutRecord record = current;
      if (current == null || current.toGeneration() != to) {
        boolean behind = replicas.stream().anyMatch(r -> r.generation() != to);
        if (!behind) {
          return unchanged();
        }
        record = start(current);
      } else if (!current.running()) {
        // Succeeded or failed for this generation: a failed one waits for `services rollout`; a
        // succeeded one whose replicas fell behind (should not happen) is left to an operator.
        return unchanged();
      }
      RolloutRecord next = advance(record);
      boolean recordChanged = !sameExceptTime(next, current);
      if (recordChanged) {
        next = withUpdated(next, in.nowMs());
      }
      return new RolloutPlan(next, recordChanged, changed, events);
    }

    private RolloutPlan unchanged() {
      return new RolloutPlan(in.current(), false, List.of(), List.of());
    }

    /** A new rollout to the service's generation from the replicas' current generations. */
    private RolloutRecord start(RolloutRecord superseded) {
      long from =
          replicas.stream()
              .mapToLong(ReplicaRecord::generation)
              .filter(g -> g != to)
              .min()
              .orElse(to);
      Map<String, RolloutStep> steps = new TreeMap<>();
      for (ReplicaRecord r : replicas) {
        steps.put(r.id(), new RolloutStep(RolloutStep.PENDING, 0, ""));
      }
      Map<String, String> fields = fields();
      fields.put("from_generation", Long.toString(from));
      fields.put("replicas", Integer.toString(replicas.size()));
      if (superseded != null && superseded.running()) {
        fields.put("supersedes_generation", Long.toString(superseded.toGeneration()));
      }
      events.add(new Event(STARTED, fields));
      return new RolloutRecord(
          RolloutRecord.SCHEMA,
          in.service(),
          from,
          to,
          RolloutRecord.RUNNING,
          steps,
          "",
          in.nowMs(),
          in.nowMs());
    }

    private RolloutRecord advance(RolloutRecord record) {
      Map<String, RolloutStep> steps = new TreeMap<>();
      // Replicas removed meanwhile lose their step; new ones start pending.
      for (ReplicaRecord r : replicas) {
        steps.put(r.id(), record.steps().getOrDefault(r.id(), pending()));
      }
      // 1. Steps that finished or failed.
      for (ReplicaRecord r : replicas) {
        RolloutStep step = steps.get(r.id());
        if (RolloutStep.UPDATING.equals(step.state())) {
          if (r.generation() == to && in.servingAt(r, to)) {
            steps.put(r.id(), new RolloutStep(RolloutStep.DONE, step.startedAtMs(), ""));
            stepDone(r);
            continue;
          }
          String failure = failure(r, step.startedAtMs());
          if (failure != null) {
            return fail(record, steps, r, failure, true);
          }
        } else if (RolloutStep.PENDING.equals(step.state()) && r.generation() == to) {
          if (in.servingAt(r, to)) {
            // Placed at the new generation by the scheduler, or already on it.
            steps.put(r.id(), new RolloutStep(RolloutStep.DONE, 0, ""));
            stepDone(r);
          } else if (r.createdAtMs() >= record.startedAtMs()) {
            // Placed by the scheduler during this rollout (surge or replacement): it proves the
            // new generation like a step. One older than the rollout waits, as before (a dead
            // node's replica is the scheduler's to replace, not the generation's fault).
            String failure = failure(r, r.createdAtMs());
            if (failure != null) {
              return fail(record, steps, r, "placed " + failure, false);
            }
          }
        }
      }
      // 2. Done?
      boolean allDone =
          replicas.stream()
              .allMatch(
                  r -> r.generation() == to && RolloutStep.DONE.equals(steps.get(r.id()).state()));
      if (allDone) {
        events.add(new Event(SUCCEEDED, fields()));
        return copy(record, RolloutRecord.SUCCEEDED, steps, "");
      }
      // 3. Start more steps while enough replicas serve (see the class comment).
      RollingUpdateLimits limits = new RollingUpdateLimits(in.spec());
      int updating = 0;
      int serving = 0;
      for (ReplicaRecord r : replicas) {
        boolean isUpdating = RolloutStep.UPDATING.equals(steps.get(r.id()).state());
        updating += isUpdating ? 1 : 0;
        serving += !isUpdating && in.serving(r) ? 1 : 0;
      }
      List<ReplicaRecord> candidates = new ArrayList<>();
      for (ReplicaRecord r : replicas) {
        if (RolloutStep.PENDING.equals(steps.get(r.id()).state()) && r.generation() != to) {
          candidates.add(r);
        }
      }
      // Those that serve nothing anyway first: updating them costs no availability.
      candidates.sort(Comparator.comparing((ReplicaRecord r) -> in.serving(r)));
      int started = 0;
      for (ReplicaRecord r : candidates) {
        boolean isServing = in.serving(r);
        if (updating >= limits.maxUpdating() || (isServing && serving - 1 < limits.minServing())) {
          break;
        }
        updating++;
        started++;
        serving -= isServing ? 1 : 0;
        steps.put(r.id(), new RolloutStep(RolloutStep.UPDATING, in.nowMs(), ""));
        changed.add(r.withGeneration(to));
      }
      if (stalled(record, steps, updating, started, candidates)) {
        return stall(record, steps, serving, limits);
      }
      return copy(record, RolloutRecord.RUNNING, steps, "");
    }

    /**
     * True when replicas wait for a step that availability does not allow, nothing is in flight to
     * change that, and nothing changed for the health timeout: too few replicas serve (a node lost,
     * no room for a surge replica) and the rollout would otherwise wait for ever. The record is
     * rewritten on every change (a replica placed, a step done), so its {@code updatedAtMs} is the
     * time of the last progress.
     */
    private boolean stalled(
        RolloutRecord record,
        Map<String, RolloutStep> steps,
        int updating,
        int started,
        List<ReplicaRecord> waiting) {
      return updating == 0
          && started == 0
          && !waiting.isEmpty()
          && steps.equals(record.steps())
          && in.nowMs() - record.updatedAtMs() >= in.healthTimeoutMs();
    }

    /** Fails a stalled rollout: nothing is in flight, so nothing is set back. */
    private RolloutRecord stall(
        RolloutRecord record,
        Map<String, RolloutStep> steps,
        int serving,
        RollingUpdateLimits limits) {
      String reason =
          "no progress for "
              + (in.healthTimeoutMs() / 1000)
              + " s: "
              + serving
              + " replica(s) serve and taking one out needs more than "
              + limits.minServing()
              + " (replicas - max_unavailable); add capacity or raise max_unavailable, then run"
              + " `uptimemesh services rollout "
              + in.service()
              + "`";
      Map<String, String> fields = fields();
      fields.put("reason", reason);
      events.add(new Event(FAILED, fields));
      return copy(record, RolloutRecord.FAILED, steps, reason);
    }

    /**
     * Why a replica on its way to the new generation failed, or null while it may still succeed.
     *
     * @param sinceMs when its clock started: the step's start, or a placed replica's creation
     */
    private String failure(ReplicaRecord r, long sinceMs) {
      ReplicaStatus s = in.status(r.id());
      String health = in.health().getOrDefault(r.id(), "unknown");
      if (s != null && s.generation() == to && "failed".equals(s.state())) {
        return "replica "
            + r.id()
            + " failed on generation "
            + to
            + (s.error().isEmpty() ? "" : ": " + s.error());
      }
      if (s != null
          && s.generation() == to
          && s.running()
          && RolloutInput.UNHEALTHY.equals(health)) {
        return "replica " + r.id() + " runs generation " + to + " but is unhealthy";
      }
      if (in.nowMs() - sinceMs >= in.healthTimeoutMs()) {
        return "replica "
            + r.id()
            + " did not run generation "
            + to
            + " healthy within "
            + (in.healthTimeoutMs() / 1000)
            + " s (state "
            + (s == null ? "unreported" : s.state() + " on generation " + s.generation())
            + ", health "
            + health
            + ")";
      }
      return null;
    }

    /**
     * @param setBack the replica ran the old generation before its step (the agent restores its
     *     {@code gen-<old>} snapshot); false for one the scheduler placed at the new generation,
     *     which has nothing to go back to: its step stays pending with the reason
     */
    private RolloutRecord fail(
        RolloutRecord record,
        Map<String, RolloutStep> steps,
        ReplicaRecord r,
        String reason,
        boolean setBack) {
      long back = record.fromGeneration();
      changed.clear();
      RolloutStep own = steps.get(r.id());
      if (setBack) {
        changed.add(r.withGeneration(back));
        steps.put(r.id(), new RolloutStep(RolloutStep.RESTORED, own.startedAtMs(), reason));
      } else {
        steps.put(r.id(), new RolloutStep(own.state(), own.startedAtMs(), reason));
      }
      // The others still on their way to the failed generation go back too: nothing proved it
      // serves, and a failed rollout leaves every replica that is not done on the old generation.
      List<String> alsoRestored = new ArrayList<>();
      for (ReplicaRecord other : replicas) {
        RolloutStep step = steps.get(other.id());
        if (!other.id().equals(r.id()) && RolloutStep.UPDATING.equals(step.state())) {
          changed.add(other.withGeneration(back));
          steps.put(
              other.id(),
              new RolloutStep(
                  RolloutStep.RESTORED,
                  step.startedAtMs(),
                  "the rollout failed (replica " + r.id() + ") while it was updating"));
          alsoRestored.add(other.id());
        }
      }
      changed.sort(Comparator.comparing(ReplicaRecord::id));
      Map<String, String> fields = fields();
      fields.put("replica", r.id());
      if (setBack || !alsoRestored.isEmpty()) {
        fields.put("restored_generation", Long.toString(back));
      }
      fields.put("reason", reason);
      if (!alsoRestored.isEmpty()) {
        fields.put("also_restored", String.join(",", alsoRestored));
      }
      events.add(new Event(FAILED, fields));
      return copy(record, RolloutRecord.FAILED, steps, reason);
    }

    private void stepDone(ReplicaRecord r) {
      Map<String, String> fields = fields();
      fields.put("replica", r.id());
      fields.put("node_id", r.nodeId());
      events.add(new Event(STEP_DONE, fields));
    }

    private Map<String, String> fields() {
      Map<String, String> f = new LinkedHashMap<>();
      f.put("service", in.service());
      f.put("generation", Long.toString(to));
      return f;
    }

    private static RolloutStep pending() {
      return new RolloutStep(RolloutStep.PENDING, 0, "");
    }

    private RolloutRecord copy(
        RolloutRecord r, String state, Map<String, RolloutStep> steps, String reason) {
      return new RolloutRecord(
          r.schema(),
          r.service(),
          r.fromGeneration(),
          r.toGeneration(),
          state,
          steps,
          reason,
          r.startedAtMs(),
          r.updatedAtMs());
    }
  }

  private static boolean sameExceptTime(RolloutRecord a, RolloutRecord b) {
    if (a == null || b == null) {
      return a == b;
    }
    return withUpdated(a, 0).equals(withUpdated(b, 0));
  }

  private static RolloutRecord withUpdated(RolloutRecord r, long updatedAtMs) {
    return new RolloutRecord(
        r.schema(),
        r.service(),
        r.fromGeneration(),
        r.toGeneration(),
        r.state(),
        r.steps(),
        r.reason(),
        r.startedAtMs(),
        updatedAtMs);
  }
}
