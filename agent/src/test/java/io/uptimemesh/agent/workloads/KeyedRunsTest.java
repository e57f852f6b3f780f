package io.uptimemesh.agent.workloads;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KeyedRunsTest {
  private final Map<String, AtomicInteger> started = new ConcurrentHashMap<>();
  private final Map<String, List<Promise<Void>>> inFlight = new ConcurrentHashMap<>();
  private final KeyedRuns runs =
      new KeyedRuns(
          key -> {
            started.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            Promise<Void> p = Promise.promise();
            inFlight.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
            return p.future();
          });

  private void finish(String key) {
    List<Promise<Void>> l = inFlight.get(key);
    l.remove(0).complete();
  }

  @Test
  void aBusyKeyIsMarkedDirtyAndRunsOnceMoreAfterwards() {
    Future<Void> first = runs.request("a");
    Future<Void> second = runs.request("a");
    Future<Void> third = runs.request("a");

    assertThat(started.get("a")).hasValue(1);
    assertThat(runs.busy("a")).isTrue();
    finish("a");
    assertThat(first.succeeded()).isTrue();
    // The two requests made during the first run share one rerun.
    assertThat(second.isComplete()).isFalse();
    assertThat(started.get("a")).hasValue(2);
    finish("a");
    assertThat(second.succeeded()).isTrue();
    assertThat(third.succeeded()).isTrue();
    assertThat(started.get("a")).hasValue(2);
    assertThat(runs.busy("a")).isFalse();
  }

  @Test
  void keysRunIndependentlyAndAFailedRunStillCompletesItsRequests() {
    KeyedRuns failing = new KeyedRuns(key -> Future.failedFuture(new IllegalStateException(key)));
    assertThat(failing.request("x").succeeded()).isTrue();

    Future<Void> a = runs.request("a");
    Future<Void> b = runs.request("b");
    assertThat(started.get("a")).hasValue(1);
    assertThat(started.get("b")).hasValue(1);
    finish("b");
    assertThat(b.succeeded()).isTrue();
    assertThat(a.isComplete()).isFalse();
  }

  @Test
  void afterCloseNothingStarts() {
    runs.close();
    assertThat(runs.request("a").succeeded()).isTrue();
    assertThat(started).isEmpty();
  }
}
