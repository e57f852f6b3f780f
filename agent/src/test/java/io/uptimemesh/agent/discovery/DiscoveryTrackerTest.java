package io.uptimemesh.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.agent.discovery.DiscoveryTracker.Outcome;
import io.uptimemesh.agent.stream.SseEvent;
import io.uptimemesh.core.discovery.DiscoveryDocument;
import io.uptimemesh.core.discovery.DiscoveryNode;
import io.uptimemesh.core.discovery.EndpointProbe;
import io.uptimemesh.core.discovery.HealthCheck;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DiscoveryTrackerTest {
  private static final EndpointProbe PROBE =
      new EndpointProbe("db-1", 5, "db", "10.0.0.5", 5432, "tcp", HealthCheck.defaultTcp());

  private static DiscoveryDocument doc(String node, long revision, boolean zone) {
    return new DiscoveryDocument(
        DiscoveryDocument.SCHEMA,
        node,
        revision,
        List.of(PROBE),
        java.util.Map.of(),
        zone
            ? new DiscoveryDocument.Zone(
                List.of(new DiscoveryNode("n1", "n1", "10.0.0.1")), List.of())
            : null);
  }

  private static SseEvent event(String type, String data) {
    return new SseEvent(type, data, "");
  }

  private static String json(DiscoveryDocument d) {
    return new String(d.toJson(), StandardCharsets.UTF_8);
  }

  @Test
  void theQueryAsksForTheZoneOnlyWhenEnabledAndResumesWithTheDigest() {
    DiscoveryTracker withZone = new DiscoveryTracker("n1", true, Optional.empty());
    assertThat(withZone.query(true)).isEqualTo("zone=true");
    withZone.replace(doc("n1", 3, true));
    assertThat(withZone.query(true)).isEqualTo("zone=true&digest=" + doc("n1", 3, true).digest());
    assertThat(withZone.query(false)).isEqualTo("zone=true");

    DiscoveryTracker probesOnly = new DiscoveryTracker("n1", false, Optional.empty());
    probesOnly.replace(doc("n1", 3, false));
    assertThat(probesOnly.query(true)).isEqualTo("digest=" + doc("n1", 3, false).digest());
  }

  @Test
  void aWholeDocumentChangesThenUnchangedRestamps() {
    DiscoveryTracker t = new DiscoveryTracker("n1", true, Optional.empty());
    assertThat(t.apply(event("discovery", json(doc("n1", 3, true))))).isEqualTo(Outcome.CHANGED);
    assertThat(t.apply(event("discovery", json(doc("n1", 4, true))))).isEqualTo(Outcome.RESTAMPED);
    assertThat(t.apply(event("unchanged", "{\"revision\":9}"))).isEqualTo(Outcome.RESTAMPED);
    assertThat(t.current().orElseThrow().revision()).isEqualTo(9);
  }

  @Test
  void whatDoesNotFitAsksForAResync() {
    DiscoveryTracker t = new DiscoveryTracker("n1", true, Optional.empty());
    assertThat(t.apply(event("unchanged", "{\"revision\":9}"))).isEqualTo(Outcome.RESYNC);
    assertThat(t.apply(event("discovery", "{not json"))).isEqualTo(Outcome.RESYNC);
    assertThat(t.apply(event("discovery", json(doc("n2", 3, true))))).isEqualTo(Outcome.RESYNC);
    assertThat(t.apply(event("discovery", json(doc("n1", 3, false))))).isEqualTo(Outcome.RESYNC);
    assertThat(t.current()).isEmpty();
  }

  @Test
  void aPersistedDocumentWithoutTheZoneIsNotAStartWhenTheZoneIsWanted() {
    assertThat(new DiscoveryTracker("n1", true, Optional.of(doc("n1", 3, false))).current())
        .isEmpty();
    assertThat(new DiscoveryTracker("n1", false, Optional.of(doc("n1", 3, false))).current())
        .isPresent();
  }
}
