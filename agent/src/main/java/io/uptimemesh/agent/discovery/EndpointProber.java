package io.uptimemesh.agent.discovery;

import io.uptimemesh.core.discovery.EndpointProbe;
import io.uptimemesh.core.discovery.HealthCheck;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Checks one endpoint every interval on the agent's context and feeds the attempts to its {@link
 * HealthStateMachine}; tells its listener of the first verdict and of each transition. An attempt
 * still running when the next is due is not doubled (the timeout is at most the interval, so that
 * only happens under load). A {@code none} check is healthy at once and needs no timer.
 */
final class EndpointProber {
  /** Told of each verdict (the first, then transitions). */
  interface Listener {
    void verdict(EndpointProbe probe, boolean healthy, String detail, Instant at);
  }

  private final Vertx vertx;
  private final EndpointChecker checker;
  private final EndpointProbe probe;
  private final Clock clock;
  private final Listener listener;
  private final HealthStateMachine machine;
  private long timer = -1;
  private boolean inFlight;
  private boolean stopped;
  private Optional<Instant> since = Optional.empty();
  private String detail = "";

  EndpointProber(
      Vertx vertx, EndpointChecker checker, EndpointProbe probe, Clock clock, Listener listener) {
    this.vertx = vertx;
    this.checker = checker;
    this.probe = probe;
    this.clock = clock;
    this.listener = listener;
    this.machine =
        new HealthStateMachine(probe.check().failureThreshold(), probe.check().successThreshold());
  }

  void start() {
    if (HealthCheck.NONE.equals(probe.check().type())) {
      detail = "no check";
      since = Optional.of(clock.instant());
      while (machine.state() != HealthStateMachine.State.HEALTHY) {
        machine.record(true);
      }
      listener.verdict(probe, true, detail, since.get());
      return;
    }
    attempt();
    timer = vertx.setPeriodic(probe.check().intervalMs(), id -> attempt());
  }

  void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
  }

  EndpointProbe probe() {
    return probe;
  }

  HealthStateMachine.State state() {
    return machine.state();
  }

  /** When the current state was reached; empty while unknown. */
  Optional<Instant> since() {
    return since;
  }

  /** What the last attempt said. */
  String detail() {
    return detail;
  }

  private void attempt() {
    if (inFlight || stopped) {
      return;
    }
    inFlight = true;
    checker
        .check(probe)
        .onSuccess(
            a -> {
              inFlight = false;
              if (stopped) {
                return;
              }
              detail = a.detail();
              machine
                  .record(a.ok())
                  .ifPresent(
                      state -> {
                        Instant now = clock.instant();
                        since = Optional.of(now);
                        listener.verdict(
                            probe, state == HealthStateMachine.State.HEALTHY, detail, now);
                      });
            });
  }
}
