package io.uptimemesh.agent.control;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether any core node answers, as the agent's calls see it. Degraded mode begins when a call has
 * failed on every known URL and ends with the next answer from any core node; each edge is logged
 * once (one WARNING on entry, one INFO on recovery), however many calls fail in between. Degraded
 * mode changes nothing on the node: tunnels and routes stay as the last desired state made them.
 * Not thread-safe: one owner context.
 */
public final class ControlPlaneHealth {
  private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneHealth.class);

  private final Clock clock;
  private final Logger log;
  private final List<Consumer<Boolean>> listeners = new ArrayList<>();
  private Optional<Instant> degradedSince = Optional.empty();
  private Optional<Instant> lastSuccess = Optional.empty();
  private Optional<URI> inUse = Optional.empty();
  private Optional<String> lastError = Optional.empty();

  public ControlPlaneHealth(Clock clock) {
    this(clock, LOG);
  }

  /** With another logger (tests count its lines). */
  public ControlPlaneHealth(Clock clock, Logger log) {
    this.clock = clock;
    this.log = log;
  }

  /** Called with true on recovery and false on entering degraded mode. */
  public void onChange(Consumer<Boolean> listener) {
    listeners.add(listener);
  }

  /** A core node answered (any answer but a 5xx). */
  public void succeeded(URI url) {
    lastSuccess = Optional.of(clock.instant());
    inUse = Optional.of(url);
    lastError = Optional.empty();
    if (degradedSince.isPresent()) {
      Instant since = degradedSince.get();
      degradedSince = Optional.empty();
      log.info(
          "control plane reachable again through {} after {} s in degraded mode",
          url,
          (clock.millis() - since.toEpochMilli()) / 1000);
      listeners.forEach(l -> l.accept(true));
    }
  }

  /** A call failed on every known URL. */
  public void allFailed(String error) {
    lastError = Optional.of(error);
    if (degradedSince.isEmpty()) {
      degradedSince = Optional.of(clock.instant());
      log.warn(
          "no core node reachable ({}): degraded mode, keeping the last known desired state,"
              + " tunnels and routes as they are",
          error);
      listeners.forEach(l -> l.accept(false));
    }
  }

  /**
   * Every known core node that answered refused the call (5xx): reachable, not serving. Recorded as
   * the last error; neither enters nor ends degraded mode.
   */
  public void refused(String error) {
    lastError = Optional.of(error);
  }

  public boolean degraded() {
    return degradedSince.isPresent();
  }

  public Optional<Instant> degradedSince() {
    return degradedSince;
  }

  public Optional<Instant> lastSuccess() {
    return lastSuccess;
  }

  public Optional<URI> inUse() {
    return inUse;
  }

  /** The error of the last call that failed on every core node, until a call succeeds. */
  public Optional<String> lastError() {
    return lastError;
  }
}
