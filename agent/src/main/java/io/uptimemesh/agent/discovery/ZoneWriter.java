package io.uptimemesh.agent.discovery;

import io.uptimemesh.agent.status.AgentMetrics;
import io.uptimemesh.core.config.AgentDiscoverySettings;
import io.uptimemesh.core.discovery.DiscoveryDocument;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the zone file and Corefile in line with the latest zone data (when {@code
 * RUNTIME_DISCOVERY_ENABLE=true}): each change is rendered and written on a worker ({@link
 * ZoneOutput}), and when a file changed the reload command runs there too ({@link ReloadCommand},
 * 10 s timeout). One run at a time; changes arriving meanwhile coalesce into one more run with the
 * latest data. A failed render, write or reload shows in the status; the next change tries again.
 * Called on the agent's context.
 */
public final class ZoneWriter {
  private static final Logger LOG = LoggerFactory.getLogger(ZoneWriter.class);

  static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(10);

  /** What the status shows of the last successful render. */
  public record Rendered(
      long serial, int nodes, int services, int endpoints, int records, Instant at) {}

  private record Run(ZoneOutput.Written written, Optional<ReloadCommand.Result> reloaded) {}

  private final Vertx vertx;
  private final ZoneOutput output;
  private final Optional<ReloadCommand> reload;
  private final Supplier<Optional<String>> meshAddress;
  private final Clock clock;
  private final AgentMetrics metrics;
  private DiscoveryDocument.Zone latest;
  private boolean running;
  private boolean again;
  private boolean stopped;
  private Optional<Rendered> rendered = Optional.empty();
  private Optional<ReloadCommand.Result> lastReload = Optional.empty();
  private Optional<String> lastError = Optional.empty();
  private long runs;

  /**
   * @param meshAddress this node's mesh address, if known yet
   */
  public ZoneWriter(
      Vertx vertx,
      AgentDiscoverySettings settings,
      Supplier<Optional<String>> meshAddress,
      Clock clock,
      AgentMetrics metrics) {
    this(vertx, settings, meshAddress, clock, metrics, RELOAD_TIMEOUT);
  }

  ZoneWriter(
      Vertx vertx,
      AgentDiscoverySettings settings,
      Supplier<Optional<String>> meshAddress,
      Clock clock,
      AgentMetrics metrics,
      Duration reloadTimeout) {
    this.vertx = vertx;
    this.output = new ZoneOutput(settings);
    this.reload = settings.reloadCommand().map(c -> new ReloadCommand(c, reloadTimeout, clock));
    this.meshAddress = meshAddress;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** Takes new zone data and renders it (now, or after the run in progress). */
  public void update(DiscoveryDocument.Zone zone) {
    latest = zone;
    run();
  }

  /** Renders the latest data again (this node's mesh address became known or changed). */
  public void refresh() {
    if (latest != null) {
      run();
    }
  }

  /** No further runs; one in progress finishes (its files are written atomically either way). */
  public void stop() {
    stopped = true;
  }

  public Path zonePath() {
    return output.zonePath();
  }

  public Path corefilePath() {
    return output.corefilePath();
  }

  public Optional<Rendered> rendered() {
    return rendered;
  }

  public Optional<ReloadCommand.Result> lastReload() {
    return lastReload;
  }

  public Optional<String> lastError() {
    return lastError;
  }

  /** Finished runs (tests). */
  public long runs() {
    return runs;
  }

  private void run() {
    if (stopped) {
      return;
    }
    if (running) {
      again = true;
      return;
    }
    running = true;
    DiscoveryDocument.Zone zone = latest;
    Optional<String> mesh = meshAddress.get();
    vertx
        .executeBlocking(
            () -> {
              ZoneOutput.Written written = output.write(zone, mesh.orElse(null), clock.instant());
              Optional<ReloadCommand.Result> reloaded =
                  written.anything() && reload.isPresent()
                      ? Optional.of(
                          reload
                              .get()
                              .run(
                                  Map.of(
                                      "UPTIMEMESH_DISCOVERY_ZONE",
                                      output.zonePath().toString(),
                                      "UPTIMEMESH_DISCOVERY_COREFILE",
                                      output.corefilePath().toString(),
                                      "UPTIMEMESH_DISCOVERY_SERIAL",
                                      Long.toString(written.serial()))))
                      : Optional.empty();
              return new Run(written, reloaded);
            },
            false)
        .onComplete(
            ar -> {
              running = false;
              runs++;
              if (ar.failed()) {
                String message = String.valueOf(ar.cause().getMessage());
                if (!lastError.equals(Optional.of(message))) {
                  LOG.warn("cannot render the discovery zone: {}", message);
                }
                lastError = Optional.of(message);
              } else {
                finished(ar.result());
              }
              if (again) {
                again = false;
                run();
              }
            });
  }

  private void finished(Run run) {
    ZoneOutput.Written written = run.written();
    Optional<ReloadCommand.Result> reloaded = run.reloaded();
    lastError = Optional.empty();
    if (written.zoneWritten() || rendered.isEmpty()) {
      rendered =
          Optional.of(
              new Rendered(
                  written.serial(),
                  written.nodes(),
                  written.services(),
                  written.endpoints(),
                  written.records(),
                  clock.instant()));
    }
    if (written.zoneWritten()) {
      metrics.zoneRendered();
      LOG.info(
          "discovery zone serial {} written: {} records ({} nodes, {} endpoints)",
          written.serial(),
          written.records(),
          written.nodes(),
          written.endpoints());
    }
    reloaded.ifPresent(
        r -> {
          lastReload = Optional.of(r);
          metrics.zoneReloaded(r.ok());
          if (!r.ok()) {
            LOG.warn(
                "the discovery reload command failed (exit {}): {}", r.exitCode(), r.outputTail());
          }
        });
  }
}
