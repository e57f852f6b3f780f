package io.uptimemesh.core.workload;

/**
 * What a spec's {@code rolling_update} allows a rollout (ADR 0014 "Rollout"): how many replicas
 * must keep serving and how many may be updating at once. {@code max_surge} raises the latter
 * because the scheduler keeps that many extra replicas serving while the rollout runs; the former
 * is what keeps the service available whether the surge replicas came up or not.
 */
record RollingUpdateLimits(int minServing, int maxUpdating) {

  RollingUpdateLimits(WorkloadSpec spec) {
    this(
        Math.max(0, spec.replicas() - spec.rollingUpdate().maxUnavailable()),
        // The spec never has both 0; the max keeps a hand-made one from stalling a rollout.
        Math.max(1, spec.rollingUpdate().maxUnavailable() + spec.rollingUpdate().maxSurge()));
  }
}
