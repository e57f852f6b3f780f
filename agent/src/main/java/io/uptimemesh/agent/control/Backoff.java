package io.uptimemesh.agent.control;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * Exponential retry delays with jitter: 1 s, 2 s, 4 s ... capped at 60 s by default, each drawn
 * between half and all of its step, so a thousand agents that lost the same core node do not all
 * come back in the same millisecond. Not thread-safe: one owner (one loop on one context).
 */
public final class Backoff {
  private final Duration initial;
  private final Duration max;
  private final DoubleSupplier random;
  private int attempts;

  /**
   * @param random values in [0, 1): the jitter source (tests pass a fixed one)
   */
  public Backoff(Duration initial, Duration max, DoubleSupplier random) {
    if (initial.isZero() || initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("need 0 < initial <= max");
    }
    this.initial = initial;
    this.max = max;
    this.random = Objects.requireNonNull(random, "random");
  }

  /** The retry policy: 1 s to 60 s. */
  public static Backoff standard() {
    return new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), Math::random);
  }

  /** The delay before the next attempt; each call doubles the step until the cap. */
  public Duration next() {
    long step = ceiling(attempts);
    if (attempts < 62) {
      attempts++;
    }
    long half = step / 2;
    return Duration.ofMillis(half + (long) (random.getAsDouble() * (step - half + 1)));
  }

  /** After a success: the next failure waits the initial delay again. */
  public void reset() {
    attempts = 0;
  }

  /** How many delays were handed out since the last reset. */
  public int attempts() {
    return attempts;
  }

  private long ceiling(int n) {
    long millis = initial.toMillis();
    for (int i = 0; i < n && millis < max.toMillis(); i++) {
      millis *= 2;
    }
    return Math.min(millis, max.toMillis());
  }
}
