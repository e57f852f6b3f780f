package io.uptimemesh.web;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/** The arrival times of one change at every stream's client, summed up over rounds. */
public final class StreamLatencies {
  private final List<Long> latencies = new ArrayList<>();
  private final List<Long> lasts = new ArrayList<>();

  /** Waits until every client has a nonzero arrival time. */
  public static void awaitAll(AtomicLongArray arrival, Duration within) {
    await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(5))
        .until(
            () -> {
              for (int i = 0; i < arrival.length(); i++) {
                if (arrival.get(i) == 0) {
                  return false;
                }
              }
              return true;
            });
  }

  /** Counts one round: each client's arrival (System.nanoTime) after {@code startNanos}. */
  public void add(AtomicLongArray arrival, long startNanos) {
    long last = 0;
    for (int i = 0; i < arrival.length(); i++) {
      long us = (arrival.get(i) - startNanos) / 1_000;
      latencies.add(us);
      last = Math.max(last, us);
    }
    lasts.add(last);
  }

  /** Microseconds. */
  public long p99() {
    return sorted(latencies)[(int) (latencies.size() * 0.99)];
  }

  /** Microseconds: the latest client of the slowest round. */
  public long lastMax() {
    long[] l = sorted(lasts);
    return l[l.length - 1];
  }

  /** {@code p50 …, p99 …, max …; last client per round p50 …, max …}, in milliseconds. */
  public String describe() {
    long[] all = sorted(latencies);
    long[] l = sorted(lasts);
    return String.format(
        "p50 %.1f ms, p99 %.1f ms, max %.1f ms; last client per round p50 %.1f ms, max %.1f ms",
        all[all.length / 2] / 1000.0,
        p99() / 1000.0,
        all[all.length - 1] / 1000.0,
        l[l.length / 2] / 1000.0,
        l[l.length - 1] / 1000.0);
  }

  /** The last arrival of each round, sorted, in microseconds. */
  public String lastsPerRound() {
    return Arrays.toString(sorted(lasts));
  }

  private static long[] sorted(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).sorted().toArray();
  }
}
