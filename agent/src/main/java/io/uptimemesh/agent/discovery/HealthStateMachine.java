package io.uptimemesh.agent.discovery;

import java.util.Optional;

/**
 * One endpoint's health from its check attempts (pure: no I/O, no clock). It starts unknown; {@code
 * failureThreshold} failures in a row make it unhealthy, {@code successThreshold} successes in a
 * row make it healthy. {@link #record} returns a verdict only when it is the first one or a change,
 * which is exactly what the agent reports (ADR 0013: first verdict, then transitions).
 */
public final class HealthStateMachine {
  /** Where an endpoint stands. */
  public enum State {
    UNKNOWN,
    HEALTHY,
    UNHEALTHY
  }

  private final int failureThreshold;
  private final int successThreshold;
  private State state = State.UNKNOWN;
  private int successes;
  private int failures;

  public HealthStateMachine(int failureThreshold, int successThreshold) {
    if (failureThreshold < 1 || successThreshold < 1) {
      throw new IllegalArgumentException("thresholds must be at least 1");
    }
    this.failureThreshold = failureThreshold;
    this.successThreshold = successThreshold;
  }

  /**
   * Counts one attempt.
   *
   * @return the new state if this attempt changed it (the first verdict included), else empty
   */
  public Optional<State> record(boolean ok) {
    if (ok) {
      successes++;
      failures = 0;
      if (state != State.HEALTHY && successes >= successThreshold) {
        state = State.HEALTHY;
        return Optional.of(state);
      }
    } else {
      failures++;
      successes = 0;
      if (state != State.UNHEALTHY && failures >= failureThreshold) {
        state = State.UNHEALTHY;
        return Optional.of(state);
      }
    }
    return Optional.empty();
  }

  public State state() {
    return state;
  }

  public int consecutiveSuccesses() {
    return successes;
  }

  public int consecutiveFailures() {
    return failures;
  }
}
