package io.uptimemesh.core.process;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Stopping child processes the way an operator expects: politely first, then for sure. */
public final class ChildProcesses {
  private ChildProcesses() {}

  /**
   * Sends SIGTERM to {@code process}, waits up to {@code grace}, then sends SIGKILL and waits for
   * the exit. Blocks the calling thread: never call it on an event loop.
   *
   * @return true if the process exited within the grace period, false if it had to be killed
   */
  public static boolean terminate(ProcessHandle process, Duration grace) {
    if (!process.isAlive()) {
      return true;
    }
    process.destroy();
    if (awaitExit(process, grace)) {
      return true;
    }
    process.destroyForcibly();
    awaitExit(process, Duration.ofSeconds(5));
    return false;
  }

  /** Waits until {@code process} has exited or {@code timeout} passed; true if it exited. */
  public static boolean awaitExit(ProcessHandle process, Duration timeout) {
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return !process.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    } catch (java.util.concurrent.ExecutionException e) {
      return !process.isAlive();
    }
  }
}
