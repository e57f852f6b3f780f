package io.uptimemesh.web.workload;

import io.uptimemesh.core.discovery.HealthCheck;
import io.uptimemesh.core.workload.NodeScheduling;
import io.uptimemesh.core.workload.WorkloadSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The JSON shapes of workloads in API answers, in one place. A spec is shown in the form {@code
 * WorkloadSpec.parse} reads (the health check's fields flat under {@code health}, as written in a
 * spec file), not in its stored form: a spec read from the API can be applied again as it is.
 */
public final class WorkloadJson {
  private WorkloadJson() {}

  /** {@code spec} as a spec file would hold it; {@code parse(spec(s))} equals {@code s}. */
  public static JsonObject spec(WorkloadSpec spec) {
    JsonObject limits = new JsonObject().put("cpu", spec.limits().cpu());
    if (spec.limits().memory() != null) {
      limits.put("memory", spec.limits().memory());
    }
    JsonArray ports = new JsonArray();
    spec.ports()
        .forEach(
            p ->
                ports.add(
                    new JsonObject()
                        .put("name", p.name())
                        .put("port", p.port())
                        .put("protocol", p.protocol())));
    JsonObject out =
        new JsonObject()
            .put("image", spec.image())
            .put("profiles", new JsonArray(new java.util.ArrayList<Object>(spec.profiles())))
            .put("config", new JsonObject(new java.util.TreeMap<String, Object>(spec.config())))
            .put("limits", limits)
            .put("replicas", spec.replicas())
            .put(
                "node_selector",
                new JsonObject()
                    .put(
                        "labels",
                        new JsonObject(
                            new java.util.TreeMap<String, Object>(spec.nodeSelector().labels())))
                    .put(
                        "roles",
                        new JsonArray(
                            new java.util.ArrayList<Object>(spec.nodeSelector().roles()))))
            .put("anti_affinity", spec.antiAffinity())
            .put("ports", ports);
    if (spec.health() != null) {
      HealthCheck c = spec.health().check();
      JsonObject health =
          new JsonObject().put("port_name", spec.health().portName()).put("type", c.type());
      if (c.path() != null) {
        health.put("path", c.path());
      }
      out.put(
          "health",
          health
              .put("interval_ms", c.intervalMs())
              .put("timeout_ms", c.timeoutMs())
              .put("failure_threshold", c.failureThreshold())
              .put("success_threshold", c.successThreshold()));
    }
    return out.put(
        "rolling_update",
        new JsonObject()
            .put("max_unavailable", spec.rollingUpdate().maxUnavailable())
            .put("max_surge", spec.rollingUpdate().maxSurge()));
  }

  /**
   * A node's scheduling state as listings show it; {@code null} (no record) is a schedulable node.
   */
  public static JsonObject scheduling(NodeScheduling s) {
    if (s == null) {
      return new JsonObject()
          .put("schedulable", true)
          .put("cordoned", false)
          .put("draining", false)
          .putNull("since_ms")
          .putNull("by");
    }
    return new JsonObject()
        .put("schedulable", s.schedulable())
        .put("cordoned", s.cordoned())
        .put("draining", s.draining())
        .put("since_ms", s.sinceMs())
        .put("by", s.by());
  }

  /** A kept generation: {@code generation, created_at_ms, created_by, rollback_of, spec}. */
  static JsonObject generation(ServiceGenerations.Copy copy) {
    return new JsonObject()
        .put("service", copy.service())
        .put("generation", copy.generation())
        .put("created_at_ms", copy.createdAtMs())
        .put("created_by", copy.createdBy())
        .put("rollback_of", copy.rollbackOf() == 0 ? null : copy.rollbackOf())
        .put("spec", spec(copy.spec()));
  }
}
