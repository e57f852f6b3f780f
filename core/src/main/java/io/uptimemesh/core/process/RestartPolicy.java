package io.uptimemesh.core.process;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Decides what a supervisor does after its child crashed: restart after an exponential backoff, or
 * give up once more than {@code budget} crashes fell within {@code window}.
 *
 * <p>The budget is a sliding window over crash times, not a counter that a successful restart
 * resets: a child that crashes, comes up healthy, and crashes again a minute later is still
 * crash-looping, and only time heals the budget. Not thread-safe; the supervisor owns it.
 */
public final class RestartPolicy {

  /** What to do after a crash. */
  public sealed interface Decision permits Restart, GiveUp {}

  /** Restart the child after {@code delay}. {@code crashesInWindow} counts this crash. */
  public record Restart(Duration delay, int crashesInWindow) implements Decision {}

  /** Stop trying; {@code reason} says why in words an operator understands. */
  public record GiveUp(String reason, int crashesInWindow) implements Decision {}

  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final int budget;
  private final Duration window;
  private final Deque<Instant> crashes = new ArrayDeque<>();

  public RestartPolicy(Duration initialBackoff, Duration maxBackoff, int budget, Duration window) {
    if (initialBackoff.isNegative() || initialBackoff.isZero()) {
      throw new IllegalArgumentException("initialBackoff must be positive");
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("maxBackoff must be >= initialBackoff");
    }
    if (budget < 1) {
      throw new IllegalArgumentException("budget must be >= 1");
    }
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.budget = budget;
    this.window = window;
  }

  /** Records a crash at {@code now} and returns what to do about it. */
  public Decision onCrash(Instant now) {
    crashes.addLast(now);
    Instant horizon = now.minus(window);
    while (!crashes.isEmpty() && crashes.peekFirst().isBefore(horizon)) {
      crashes.removeFirst();
    }
    int recent = crashes.size();
    if (recent > budget) {
      return new GiveUp(
          "crashed "
              + recent
              + " times within "
              + window.toSeconds()
              + " s (crash budget "
              + budget
              + ")",
          recent);
    }
    return new Restart(backoff(recent), recent);
  }

  /** Number of crashes currently inside the window, as of the last {@link #onCrash}. */
  public int crashesInWindow() {
    return crashes.size();
  }

  private Duration backoff(int recentCrashes) {
    // initial, 2×initial, 4×initial… capped; the shift is bounded to avoid overflow.
    long factor = 1L << Math.min(recentCrashes - 1, 30);
    long millis = initialBackoff.toMillis() * factor;
    if (millis <= 0 || millis > maxBackoff.toMillis()) {
      return maxBackoff;
    }
    return Duration.ofMillis(millis);
  }
}
