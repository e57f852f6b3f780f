package io.uptimemesh.web.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.core.discovery.DiscoveryNode;
import io.uptimemesh.core.discovery.EndpointHealthRecord;
import io.uptimemesh.core.discovery.EndpointProbe;
import io.uptimemesh.core.discovery.EndpointRecord;
import io.uptimemesh.core.discovery.EndpointState;
import io.uptimemesh.core.discovery.HealthCheck;
import io.uptimemesh.core.discovery.HealthyEndpoint;
import io.uptimemesh.core.discovery.ServiceRecord;
import io.uptimemesh.core.identity.NodeRecord;
import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.ValueCodec;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The view builder applies the one health rule, builds the zone part and skips unrelated changes.
 */
class DiscoveryViewBuilderTest {
  private static final KeyLayout KEYS = new KeyLayout("/t");
  private static final ValueCodec CODEC = new ValueCodec();

  private final EtcdStore store = new EtcdStore(null, null, KEYS, null);
  private final Clock clock = Clock.fixed(Instant.ofEpochSecond(1_800_000_000L), ZoneOffset.UTC);
  private final DiscoveryViewBuilder builder = new DiscoveryViewBuilder(store, clock);
  private final TreeMap<String, CacheSnapshot.Entry> keys = new TreeMap<>();
  private long revision = 1;

  @Test
  void theOneRuleDecidesEachEndpointAndOnlyHealthyOnesAndLiveNodesAreInTheZone() {
    node("n1", "10.42.0.1", false, 7);
    node("n2", "10.42.0.2", false, 0);
    node("n3", "10.42.0.3", true, 9);
    put(KEYS.service("web"), ServiceRecord.validated("web", "", 1, "user:a"), 0);
    long e1 = endpoint("e1", "n1", 8080);
    long e2 = endpoint("e2", "n2", 8080);
    endpoint("e3", "n3", 8080);
    endpoint("e4", "n1", 8081);
    long e5 = endpoint("e5", "n1", 8082);
    endpoint("e6", "ghost", 8083);
    report("e1", "n1", e1, true, 7);
    report("e2", "n2", e2, true, 0);
    report("e5", "n1", e5 + 100, true, 7);

    DiscoveryView v = builder.build(snapshot());

    assertThat(state(v, "e1"))
        .isEqualTo(new EndpointState(EndpointState.Health.HEALTHY, "check passing"));
    assertThat(state(v, "e2").reason()).isEqualTo("node not alive");
    assertThat(state(v, "e3").reason()).isEqualTo("node revoked");
    assertThat(state(v, "e4").health()).isEqualTo(EndpointState.Health.UNKNOWN);
    assertThat(state(v, "e5").reason())
        .as("a report about another create revision")
        .isEqualTo("no report yet");
    assertThat(state(v, "e6").reason()).isEqualTo("node unknown");
    assertThat(v.zone().nodes()).extracting(DiscoveryNode::id).containsExactly("n1");
    assertThat(v.zone().endpoints())
        .extracting(HealthyEndpoint::nodeId, HealthyEndpoint::port)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("n1", 8080));
    assertThat(v.probesOf("n1"))
        .extracting(EndpointProbe::endpointId)
        .containsExactly("e1", "e4", "e5");
    assertThat(v.probesOf("n1").get(0).endpointRevision()).isEqualTo(e1);
    assertThat(v.probesOf("n9")).isEmpty();
    // The verdicts held for this create revision go back to the agent, which reports what differs.
    assertThat(v.documentOf("n1", false).reported()).isEqualTo(java.util.Map.of("e1", true));
    assertThat(v.documentOf("n2", false).reported()).isEqualTo(java.util.Map.of("e2", true));
    assertThat(v.serial()).isEqualTo(1_800_000_000L);
    // The digest the streams compare is the digest of the document they send.
    for (boolean zone : new boolean[] {true, false}) {
      for (String n : new String[] {"n1", "n2"}) {
        assertThat(v.digestOf(n, zone)).isEqualTo(v.documentOf(n, zone).digest());
        // The spliced JSON is the document.
        assertThat(
                io.uptimemesh.core.discovery.DiscoveryDocument.parse(
                    v.documentJson(n, zone).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
            .isEqualTo(v.documentOf(n, zone));
      }
    }
    assertThat(v.digestOf("n1", true)).isNotEqualTo(v.digestOf("n1", false));
    // The layout the splice relies on, so it is the path taken (not the fallback).
    assertThat(v.documentJson("n1", false)).endsWith(",\"zone\":null}");
    assertThat(v.documentJson("n1", true)).endsWith(",\"zone\":" + v.zoneJson() + "}");
  }

  @Test
  void unrelatedChangesGiveTheSameViewAndTheSerialMovesOnlyWithTheZone() {
    node("n1", "10.42.0.1", false, 7);
    put(KEYS.service("web"), ServiceRecord.validated("web", "", 1, "user:a"), 0);
    long e1 = endpoint("e1", "n1", 8080);
    DiscoveryView first = builder.build(snapshot());
    String probes = first.digestOf("n1", false);

    put(KEYS.token("t1"), Map.of("id", "t1"), 0);
    put(KEYS.nodeStatus("n1"), Map.of("node_id", "n1"), 0);
    assertThat(builder.build(snapshot())).isSameAs(first);

    // A second service changes the view but neither the zone nor any document.
    put(KEYS.service("api"), ServiceRecord.validated("api", "", 1, "user:a"), 0);
    DiscoveryView second = builder.build(snapshot());
    assertThat(second).isNotSameAs(first);
    assertThat(second.serial()).isEqualTo(first.serial());
    assertThat(second.zoneDigest()).isEqualTo(first.zoneDigest());
    assertThat(second.digestOf("n1", true)).isEqualTo(first.digestOf("n1", true));

    // A healthy report changes the zone (new serial) and the verdicts held in n1's document,
    // not its probe list.
    report("e1", "n1", e1, true, 7);
    DiscoveryView third = builder.build(snapshot());
    assertThat(third.zoneDigest()).isNotEqualTo(second.zoneDigest());
    assertThat(third.serial()).isGreaterThan(second.serial());
    assertThat(third.probesOf("n1")).isEqualTo(first.probesOf("n1"));
    assertThat(third.digestOf("n1", false)).isNotEqualTo(probes);
  }

  @Test
  void endpointJsonCarriesTheRecordRevisionAndState() {
    node("n1", "10.42.0.1", false, 7);
    long e1 = endpoint("e1", "n1", 8080);
    report("e1", "n1", e1, false, 7);
    JsonObject json = DiscoveryJson.endpoint(builder.build(snapshot()).endpoints().get("e1"));
    assertThat(json.fieldNames())
        .contains(
            "id",
            "service",
            "node_id",
            "address",
            "port",
            "protocol",
            "port_name",
            "check",
            "created_at_ms",
            "created_by",
            "revision",
            "state",
            "reason",
            "detail",
            "changed_at_ms")
        .doesNotContain("schema");
    assertThat(json.getLong("revision")).isEqualTo(e1);
    assertThat(json.getString("state")).isEqualTo("unhealthy");
    assertThat(json.getString("reason")).isEqualTo("check failing: refused");
    assertThat(json.getString("detail")).isEqualTo("refused");
    assertThat(json.getJsonObject("check").getString("type")).isEqualTo("tcp");
  }

  private static EndpointState state(DiscoveryView v, String id) {
    return v.endpoints().get(id).state();
  }

  private void node(String id, String ip, boolean revoked, long aliveLease) {
    put(
        KEYS.node(id),
        new NodeRecord(id, id, "worker", Map.of(), null, null, ip, "pem", "fp", 0, 0, revoked, 0),
        0);
    if (aliveLease != 0) {
      put(KEYS.alive(id), Map.of("node_id", id), aliveLease);
    }
  }

  private long endpoint(String id, String nodeId, int port) {
    return put(
        KEYS.endpoint(id),
        EndpointRecord.validated(
            id, "web", nodeId, "10.42.0.1", port, null, null, HealthCheck.defaultTcp(), 1, "u"),
        0);
  }

  private void report(String id, String nodeId, long rev, boolean healthy, long lease) {
    put(
        KEYS.endpointHealth(id),
        new EndpointHealthRecord(
            EndpointHealthRecord.SCHEMA, id, nodeId, rev, healthy, healthy ? "" : "refused", 5, 6),
        lease);
  }

  private long put(String key, Object value, long lease) {
    long rev = ++revision;
    CacheSnapshot.Entry old = keys.get(key);
    keys.put(
        key,
        new CacheSnapshot.Entry(
            key, CODEC.encode(value), old == null ? rev : old.createRevision(), rev, lease));
    return rev;
  }

  private CacheSnapshot snapshot() {
    return new CacheSnapshot(revision, keys);
  }
}
