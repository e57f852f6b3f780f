package io.uptimemesh.core.workload;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the scheduler would do now (ADR 0014): a pure, deterministic function of one read of the
 * cluster. The leader job applies the actions one fenced transaction each, in order (every prefix
 * of the list is a valid state to stop in); {@code uptimemesh scheduler plan} only shows them.
 *
 * <p>Per service (in name order), after the replicas of deleted and workload-less services are
 * removed:
 *
 * <ol>
 *   <li>replicas on revoked or unknown nodes are removed at once (they serve nothing);
 *   <li>make-before-break: a replica whose replacement is running and healthy is removed; a
 *       replacement that is not yet healthy while its own node must be left, or that runs a newer
 *       generation than new replicas get (a failed rollout's), is removed (it served nothing), so a
 *       replica is never replaced twice and replacements do not chain;
 *   <li>more replicas than {@code replicas} (+ the service's {@code surge} while a rollout runs):
 *       remove the surplus, those not serving first, then those on a failed rollout's generation,
 *       then those that must move, then those on the nodes most loaded with this service, then with
 *       all;
 *   <li>a replica on a node stale longer than the grace, draining, or no longer matching the
 *       selector (or sharing a node under {@code hard} anti-affinity) gets a replacement ({@code
 *       replaces} = its id) on an eligible node; it is removed only once that one serves;
 *   <li>fewer replicas than {@code replicas} (+ {@code surge}): place new ones on eligible nodes
 *       (alive, not revoked, neither cordoned nor draining, selector matching, and under {@code
 *       hard} anti-affinity holding no replica of the service): fewest replicas of this service,
 *       then fewest in total, then node id.
 * </ol>
 *
 * What cannot be done (too few eligible nodes) is a {@link Note}, not an action, so a converged
 * cluster plans no actions.
 *
 * @param actions in the order they must be applied
 * @param notes what the plan could not do, for people
 */
public record SchedulerPlan(List<SchedulerAction> actions, List<Note> notes) {
  /** Something the scheduler could not do, and why; it tries again on the next plan. */
  public record Note(String service, String message) {}

  public SchedulerPlan {
    actions = List.copyOf(actions);
    notes = List.copyOf(notes);
  }

  /** True when applying the plan changes nothing. */
  public boolean noActions() {
    return actions.isEmpty();
  }

  /**
   * Plans the actions that bring the replicas of every service towards its spec.
   *
   * @param ids where new replica ids come from ({@link ReplicaIdSource#random()} in production)
   */
  public static SchedulerPlan plan(SchedulerInput input, ReplicaIdSource ids) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(ids, "ids");
    PlanState state = new PlanState(input, ids);
    // Name order, so the same cluster gives the same plan whatever order it was read in.
    Map<String, SchedulerService> byName = new TreeMap<>();
    input.services().forEach(s -> byName.putIfAbsent(s.name(), s));
    removeUnscheduledServices(state, byName);
    for (SchedulerService service : byName.values()) {
      if (service.workload() != null) {
        new ServiceScheduler(state, service).plan();
      }
    }
    return new SchedulerPlan(state.actions(), state.notes());
  }

  private static void removeUnscheduledServices(
      PlanState state, Map<String, SchedulerService> byName) {
    for (ReplicaRecord replica : state.allReplicas()) {
      SchedulerService service = byName.get(replica.service());
      if (service == null) {
        state.remove(replica, "service " + replica.service() + " no longer exists");
      } else if (service.workload() == null) {
        state.remove(replica, "service " + replica.service() + " has no workload");
      }
    }
  }
}
