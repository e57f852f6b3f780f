package io.uptimemesh.agent.workloads;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One run per key at a time (DESIGN.md section 6): a request for a key that is running marks it
 * dirty, and the key runs once more when the current run ends, so no request is dropped and
 * requests that arrive during a run coalesce into one rerun (which reads the desired state afresh).
 * The bookkeeping is a few map operations under this object's lock, never held across a run.
 */
final class KeyedRuns {
  private final Function<String, Future<?>> runner;
  private final Map<String, Slot> slots = new HashMap<>();
  private boolean closed;

  private static final class Slot {
    List<Promise<Void>> current = new ArrayList<>();
    List<Promise<Void>> next = new ArrayList<>();
    boolean dirty;
  }

  KeyedRuns(Function<String, Future<?>> runner) {
    this.runner = runner;
  }

  /**
   * Asks for a run of {@code key}; the future completes (never fails) when a run that started after
   * this call has ended.
   */
  Future<Void> request(String key) {
    Promise<Void> done = Promise.promise();
    boolean start;
    synchronized (this) {
      if (closed) {
        return Future.succeededFuture();
      }
      Slot slot = slots.get(key);
      if (slot == null) {
        slot = new Slot();
        slot.current.add(done);
        slots.put(key, slot);
        start = true;
      } else {
        slot.dirty = true;
        slot.next.add(done);
        start = false;
      }
    }
    if (start) {
      run(key);
    }
    return done.future();
  }

  /** Whether a run of the key is under way. */
  synchronized boolean busy(String key) {
    return slots.containsKey(key);
  }

  /** No further runs start; runs under way finish. */
  synchronized void close() {
    closed = true;
  }

  private void run(String key) {
    Future<?> f;
    try {
      f = runner.apply(key);
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> finished(key));
  }

  private void finished(String key) {
    List<Promise<Void>> served;
    boolean again;
    synchronized (this) {
      Slot slot = slots.get(key);
      served = slot.current;
      again = slot.dirty && !closed;
      if (again) {
        slot.current = slot.next;
        slot.next = new ArrayList<>();
        slot.dirty = false;
      } else {
        slots.remove(key);
        served = new ArrayList<>(served);
        served.addAll(slot.next);
      }
    }
    served.forEach(Promise::tryComplete);
    if (again) {
      run(key);
    }
  }
}
