package io.uptimemesh.core.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which nodes take new replicas, and which must give theirs up: the two node rules as a table. */
class SchedulerNodeTest {
  private static final long NOW = 1_000_000;
  private static final long GRACE = 60_000;
  private static final WorkloadSpec ZONE_A =
      SimulatedCluster.spec(1, "'node_selector':{'labels':{'zone':'a'}}");

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        // case |role |zone |alive |revoked |stale ms ago |scheduling |eligible |must move |mesh ip
        "healthy worker          |worker |a   |true |false  |-           |-       |true    |-|10.42.0.5",
        "gateway not selected    |gateway|a   |true |false  |-           |-       |false   |node n1 no longer matches the node selector|10.42.0.5",
        "other zone              |worker |b   |true |false  |-           |-       |false   |node n1 no longer matches the node selector|10.42.0.5",
        "no zone label           |worker |-   |true |false  |-           |-       |false   |node n1 no longer matches the node selector|10.42.0.5",
        "revoked                 |worker |a   |true |true   |-           |-       |false   |-|10.42.0.5",
        "cordoned keeps its own  |worker |a   |true |false  |-           |cordon  |false   |-|10.42.0.5",
        "draining                |worker |a   |true |false  |-           |drain   |false   |node n1 is draining|10.42.0.5",
        "just gone, no sweep yet |worker |a   |false|false  |-           |-       |false   |-|10.42.0.5",
        "stale within the grace  |worker |a   |false|false  |60000       |-       |false   |-|10.42.0.5",
        "stale beyond the grace  |worker |a   |false|false  |60001       |-       |false   |node n1 stale longer than the grace of 60 s|10.42.0.5",
        "stale long and draining |worker |a   |false|false  |600000      |drain   |false   |node n1 stale longer than the grace of 60 s|10.42.0.5",
        "no mesh address yet     |worker |a   |true |false  |-           |-       |false   |-|-",
      })
  void eligibilityAndEvacuation(
      String name,
      String role,
      String zone,
      boolean alive,
      boolean revoked,
      Long staleAgoMs,
      String scheduling,
      boolean eligible,
      String mustMove,
      String meshIp) {
    NodeScheduling s =
        scheduling == null
            ? null
            : new NodeScheduling(
                NodeScheduling.SCHEMA, "n1", true, "drain".equals(scheduling), 0, "user:admin");
    SchedulerNode node =
        new SchedulerNode(
            "n1",
            role,
            zone == null ? Map.of() : Map.of("zone", zone),
            alive,
            revoked,
            staleAgoMs == null ? null : NOW - staleAgoMs,
            s,
            meshIp);

    assertThat(node.eligibleFor(ZONE_A)).as(name).isEqualTo(eligible);
    assertThat(node.evacuationReason(ZONE_A, NOW, GRACE).orElse(null)).as(name).isEqualTo(mustMove);
  }
}
