package io.uptimemesh.agent.discovery;

import io.uptimemesh.core.discovery.EndpointProbe;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The probers of the endpoints this node hosts, kept in line with the discovery document: a new
 * endpoint gets a prober, a removed one loses it, and one whose probe changed (a new create
 * revision, address or check) is restarted from unknown. Runs on the agent's context.
 */
final class EndpointProbes {
  private final Vertx vertx;
  private final EndpointChecker checker;
  private final Clock clock;
  private final EndpointProber.Listener listener;
  private final Consumer<String> removed;
  private final Map<String, EndpointProber> probers = new LinkedHashMap<>();

  /**
   * @param removed told of each endpoint id no longer probed (its pending report is moot)
   */
  EndpointProbes(
      Vertx vertx,
      EndpointChecker checker,
      Clock clock,
      EndpointProber.Listener listener,
      Consumer<String> removed) {
    this.vertx = vertx;
    this.checker = checker;
    this.clock = clock;
    this.listener = listener;
    this.removed = removed;
  }

  /** Makes the probers match {@code probes}. */
  void update(List<EndpointProbe> probes) {
    Map<String, EndpointProbe> wanted =
        probes.stream()
            .collect(
                Collectors.toMap(
                    EndpointProbe::endpointId, p -> p, (a, b) -> b, LinkedHashMap::new));
    Set<String> ids = Set.copyOf(probers.keySet());
    for (String id : ids) {
      EndpointProbe want = wanted.get(id);
      if (want == null || !want.equals(probers.get(id).probe())) {
        probers.remove(id).stop();
        removed.accept(id);
      }
    }
    for (EndpointProbe probe : wanted.values()) {
      if (!probers.containsKey(probe.endpointId())) {
        EndpointProber prober = new EndpointProber(vertx, checker, probe, clock, listener);
        probers.put(probe.endpointId(), prober);
        prober.start();
      }
    }
  }

  void stop() {
    probers.values().forEach(EndpointProber::stop);
    probers.clear();
  }

  /** The probers in document order (status). */
  List<EndpointProber> all() {
    return new ArrayList<>(probers.values());
  }
}
