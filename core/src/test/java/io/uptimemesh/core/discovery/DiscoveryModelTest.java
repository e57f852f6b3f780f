package io.uptimemesh.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Services, endpoints, checks and the health rule: what the API accepts and how it reads. */
class DiscoveryModelTest {
  private static final HealthCheck TCP = HealthCheck.defaultTcp();

  @Test
  void checkDefaultsAreFilledIn() {
    HealthCheck http = HealthCheck.validated("HTTP", null, 500L, null, null, 2);
    assertThat(http)
        .isEqualTo(
            new HealthCheck("http", "/", 500, 500, HealthCheck.DEFAULT_FAILURE_THRESHOLD, 2));
    assertThat(http.detectionMs()).isEqualTo(1500);
    assertThat(HealthCheck.validated(null, null, null, null, null, null)).isEqualTo(TCP);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "udp|                 |      |     |    |    |check.type must be tcp, http or none",
        "tcp|/x               |      |     |    |    |check.path is only for http checks",
        "http|x               |      |     |    |    |check.path must start with /",
        "http|/a b            |      |     |    |    |check.path must start with /",
        "tcp|                 |99    |     |    |    |check.interval_ms must be between 100",
        "tcp|                 |1000  |1001 |    |    |check.timeout_ms must be between 50",
        "tcp|                 |1000  |49   |    |    |check.timeout_ms must be between 50",
        "tcp|                 |      |     |0   |    |check.failure_threshold must be between 1",
        "tcp|                 |      |     |    |101 |check.success_threshold must be between 1",
      })
  void badChecksNameTheField(
      String type,
      String path,
      Long interval,
      Long timeout,
      Integer failures,
      Integer successes,
      String message) {
    assertThatThrownBy(
            () -> HealthCheck.validated(type, path, interval, timeout, failures, successes))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void endpointDefaultsAndNormalisation() {
    EndpointRecord e =
        EndpointRecord.validated(
            null, "web", "node-b", "FD00:0:0::1", 8080, "TCP", null, TCP, 1, "user:admin");
    assertThat(e.id()).isEqualTo("web-tcp-node-b");
    assertThat(e.address()).isEqualTo("fd00::1");
    assertThat(e.protocol()).isEqualTo("tcp");
    assertThat(e.portName()).isEqualTo("tcp");
    assertThat(e.healthy())
        .isEqualTo(new HealthyEndpoint("web", "node-b", "fd00::1", 8080, "tcp", "tcp"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "       |Web |n1|10.0.0.1 |80   |tcp |http|service must be a DNS label",
        "       |web |  |10.0.0.1 |80   |tcp |http|node_id must not be empty",
        "       |web |n1|10.0.0.300|80  |tcp |http|address must be",
        "       |web |n1|host.lan |80   |tcp |http|address must be",
        "       |web |n1|10.0.0.1 |0    |tcp |http|port must be between 1 and 65535",
        "       |web |n1|10.0.0.1 |65536|tcp |http|port must be between 1 and 65535",
        "       |web |n1|10.0.0.1 |80   |sctp|http|protocol must be tcp or udp",
        "       |web |n1|10.0.0.1 |80   |tcp |_h  |port_name must be a DNS label",
        "       |web |n1|10.0.0.1 |53   |udp |dns |check.type tcp cannot check a udp endpoint",
        "Bad_Id |web |n1|10.0.0.1 |80   |tcp |http|id must be 1-128 lower-case letters",
        "-a     |web |n1|10.0.0.1 |80   |tcp |http|id must be 1-128 lower-case letters",
      })
  void badEndpointsNameTheField(
      String id,
      String service,
      String node,
      String address,
      Integer port,
      String protocol,
      String portName,
      String message) {
    assertThatThrownBy(
            () ->
                EndpointRecord.validated(
                    id, service, node, address, port, protocol, portName, TCP, 1, "u"))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void udpEndpointsTakeTheNoneCheck() {
    HealthCheck none = HealthCheck.validated("none", null, null, null, null, null);
    assertThat(
            EndpointRecord.validated(null, "dns", "n1", "10.0.0.1", 53, "udp", "dns", none, 1, "u")
                .id())
        .isEqualTo("dns-dns-n1");
  }

  @Test
  void servicesNeedALabelAndAShortDescription() {
    assertThat(ServiceRecord.validated("web", null, 5, "user:a").description()).isEmpty();
    assertThatThrownBy(() -> ServiceRecord.validated("web.x", "", 5, "u"))
        .hasMessageStartingWith("name must be a DNS label");
    assertThatThrownBy(() -> ServiceRecord.validated("web", "x".repeat(1025), 5, "u"))
        .hasMessageStartingWith("description must be at most 1024");
  }

  @Test
  void theHealthRuleLooksAtTheNodeFirst() {
    EndpointHealthRecord healthy = new EndpointHealthRecord(1, "e", "n", 7, true, "", 1, 2);
    EndpointHealthRecord failing =
        new EndpointHealthRecord(1, "e", "n", 7, false, "connection refused", 1, 2);

    assertThat(EndpointState.of(false, false, true, 7, healthy).reason()).isEqualTo("node unknown");
    assertThat(EndpointState.of(true, true, true, 7, healthy).reason()).isEqualTo("node revoked");
    assertThat(EndpointState.of(true, false, false, 7, healthy))
        .isEqualTo(new EndpointState(EndpointState.Health.UNHEALTHY, "node not alive"));
    assertThat(EndpointState.of(true, false, true, 7, null).health())
        .isEqualTo(EndpointState.Health.UNKNOWN);
    // A report about an earlier endpoint with the same id does not count.
    assertThat(EndpointState.of(true, false, true, 8, healthy).health())
        .isEqualTo(EndpointState.Health.UNKNOWN);
    assertThat(EndpointState.of(true, false, true, 7, healthy).published()).isTrue();
    assertThat(EndpointState.of(true, false, true, 7, failing))
        .isEqualTo(
            new EndpointState(EndpointState.Health.UNHEALTHY, "check failing: connection refused"));
    assertThat(EndpointState.of(true, false, true, 7, failing).published()).isFalse();
  }

  @Test
  void documentDigestIgnoresTheRevisionButNotTheContent() {
    EndpointProbe probe = new EndpointProbe("web-http-b", 12, "web", "10.1.0.2", 8080, "tcp", TCP);
    DiscoveryDocument.Zone zone =
        new DiscoveryDocument.Zone(
            List.of(new DiscoveryNode("b", "b", "10.1.0.2")),
            List.of(new HealthyEndpoint("web", "b", "10.1.0.2", 8080, "tcp", "http")));
    DiscoveryDocument doc = new DiscoveryDocument(1, "b", 40, List.of(probe), Map.of(), zone);

    assertThat(doc.withRevision(41).digest()).isEqualTo(doc.digest());
    assertThat(new DiscoveryDocument(1, "b", 40, List.of(probe), Map.of(), null).digest())
        .isNotEqualTo(doc.digest());
    assertThat(new DiscoveryDocument(1, "b", 40, List.of(), Map.of(), zone).digest())
        .isNotEqualTo(doc.digest());
    assertThat(new DiscoveryDocument(1, "c", 40, List.of(probe), Map.of(), zone).digest())
        .isNotEqualTo(doc.digest());
    assertThat(doc.digest())
        .isEqualTo(
            DiscoveryDocument.digestOf(
                "b", DiscoveryDocument.probesDigest(List.of(probe), Map.of()), zone.digest()));
    // A verdict the control plane now holds changes the node's document.
    assertThat(
            new DiscoveryDocument(1, "b", 40, List.of(probe), Map.of("web-http-b", true), zone)
                .digest())
        .isNotEqualTo(doc.digest());

    DiscoveryDocument back = DiscoveryDocument.parse(doc.toJson());
    assertThat(back).isEqualTo(doc);
    String json = new String(doc.toJson(), StandardCharsets.UTF_8);
    assertThat(json)
        .contains("\"node_id\":\"b\"", "\"endpoint_revision\":12", "\"port_name\":\"http\"")
        .doesNotContain("\n");
  }

  @Test
  void documentsOfAnotherSchemaAreRefused() {
    assertThatThrownBy(
            () ->
                DiscoveryDocument.parse(
                    "{\"schema\":2,\"node_id\":\"b\",\"revision\":1,\"probes\":[]}"
                        .getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("discovery schema 2 is not 1");
    assertThatThrownBy(() -> DiscoveryDocument.parse("[]".getBytes(StandardCharsets.UTF_8)))
        .hasMessageStartingWith("not a discovery document");
  }

  @Test
  void healthReportsRoundTripAndBadOnesNameTheEntry() throws Exception {
    EndpointHealthReport report =
        new EndpointHealthReport(
            List.of(new EndpointHealthReport.Report("web-http-b", 12, false, "refused", 99)));
    assertThat(EndpointHealthReport.parse(report.toJson())).isEqualTo(report);

    String[][] bad = {
      {"{}", "reports must be an array"},
      {"{\"reports\":[{\"endpoint_id\":\"X\"}]}", "reports[0].endpoint_id must be"},
      {
        "{\"reports\":[{\"endpoint_id\":\"a\",\"endpoint_revision\":0}]}",
        "reports[0].endpoint_revision must be a positive number"
      },
      {
        "{\"reports\":[{\"endpoint_id\":\"a\",\"endpoint_revision\":3,\"healthy\":\"yes\"}]}",
        "reports[0].healthy must be true or false"
      },
      {
        "{\"reports\":[{\"endpoint_id\":\"a\",\"endpoint_revision\":3,\"healthy\":true,"
            + "\"detail\":5,\"changed_at_ms\":1}]}",
        "reports[0].detail must be text"
      },
      {
        "{\"reports\":[{\"endpoint_id\":\"a\",\"endpoint_revision\":3,\"healthy\":true}]}",
        "reports[0].changed_at_ms must be epoch milliseconds"
      },
      {"not json", "body must be JSON"},
    };
    for (String[] c : bad) {
      assertThatThrownBy(() -> EndpointHealthReport.parse(c[0].getBytes(StandardCharsets.UTF_8)))
          .as(c[0])
          .isInstanceOf(UptimeMeshException.class)
          .hasMessageStartingWith(c[1]);
    }
    String longDetail = "x".repeat(600);
    assertThat(EndpointHealthReport.Report.shorten(longDetail)).hasSize(512).endsWith("...");
    String tooLong =
        Json.mapper()
            .writeValueAsString(
                new EndpointHealthReport(
                    List.of(new EndpointHealthReport.Report("a", 3, true, longDetail, 1))));
    assertThatThrownBy(() -> EndpointHealthReport.parse(tooLong.getBytes(StandardCharsets.UTF_8)))
        .hasMessageStartingWith("reports[0].detail must be at most 512");
  }
}
