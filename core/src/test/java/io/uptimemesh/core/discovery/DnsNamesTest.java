package io.uptimemesh.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DnsNamesTest {
  @ParameterizedTest
  @ValueSource(strings = {"a", "web", "web-1", "1web", "a-b-c", "0"})
  void acceptsLabels(String label) {
    assertThat(DnsNames.isLabel(label)).isTrue();
    assertThat(DnsNames.requireLabel("service", label)).isEqualTo(label);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-web", "web-", "Web", "web_1", "web.1", "wéb", " web"})
  void refusesNonLabels(String label) {
    assertThat(DnsNames.isLabel(label)).isFalse();
    assertThatThrownBy(() -> DnsNames.requireLabel("service", label))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageStartingWith("service must be a DNS label")
        .extracting(e -> ((UptimeMeshException) e).errorCode())
        .isEqualTo(ErrorCode.INVALID_REQUEST);
  }

  @Test
  void labelLengthLimitIs63() {
    assertThat(DnsNames.isLabel("a".repeat(63))).isTrue();
    assertThat(DnsNames.isLabel("a".repeat(64))).isFalse();
    assertThat(DnsNames.isLabel(null)).isFalse();
  }

  @ParameterizedTest
  @CsvSource({
    "Web,web",
    "web_front,web-front",
    "worker.eu,worker-eu",
    "--a--,a",
    "_srv_,srv",
    "A  B,a--b",
    "Ünï-x,n--x",
    "node 7 (old),node-7--old"
  })
  void sanitisesToALabel(String name, String label) {
    assertThat(DnsNames.sanitise(name)).contains(label);
  }

  @Test
  void sanitiseCutsTo63AndTrimsTheHyphenTheCutLeaves() {
    assertThat(DnsNames.sanitise("x".repeat(70))).contains("x".repeat(63));
    String cutAtHyphen = "a".repeat(62) + "_b";
    assertThat(DnsNames.sanitise(cutAtHyphen)).contains("a".repeat(62));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "___", "---", "日本", "."})
  void sanitiseOfNothingUsableIsEmptyAndRequireRejects(String name) {
    assertThat(DnsNames.sanitise(name)).isEmpty();
    assertThatThrownBy(() -> DnsNames.requireSanitised("name", name))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("name must contain");
  }

  @Test
  void sanitiseOfNullIsEmpty() {
    assertThat(DnsNames.sanitise(null)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "10.42.0.1,10.42.0.1,false",
    "0.0.0.0,0.0.0.0,false",
    "2001:DB8:0:0:0:0:0:1,2001:db8::1,true",
    "::1,::1,true",
    "fd00:0:0:1:0:0:0:0,fd00:0:0:1::,true",
    "1:0:0:2:0:0:0:3,1:0:0:2::3,true",
    "1:0:0:2:3:0:0:4,1::2:3:0:0:4,true",
    "1:0:2:0:3:0:4:0,1:0:2:0:3:0:4:0,true",
    "::,::,true"
  })
  void parsesAndCanonicalisesAddresses(String text, String canonical, boolean ipv6) {
    DnsNames.IpLiteral literal = DnsNames.parseAddress(text).orElseThrow();
    assertThat(literal.text()).isEqualTo(canonical);
    assertThat(literal.ipv6()).isEqualTo(ipv6);
    assertThat(literal.recordType()).isEqualTo(ipv6 ? "AAAA" : "A");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "10.42.0.256",
        "010.0.0.1",
        "10.0.0",
        "localhost",
        "example.com",
        "fe80::1%eth0",
        "[::1]",
        "1::2::3",
        "12345::",
        "::ffff:10.0.0.1"
      })
  void refusesNonLiterals(String text) {
    assertThat(DnsNames.parseAddress(text)).isEmpty();
    assertThatThrownBy(() -> DnsNames.requireAddress("address", text))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageStartingWith("address must be an IPv4");
  }

  @Test
  void nodeValidationNamesTheBadField() {
    assertThat(DiscoveryNode.validated("n1", "Core 1", "10.42.0.1").name()).isEqualTo("Core 1");
    assertThatThrownBy(() -> DiscoveryNode.validated("n1", "___", "10.42.0.1"))
        .hasMessageStartingWith("name ");
    assertThatThrownBy(() -> DiscoveryNode.validated("n1", "core", "10.42.0"))
        .hasMessageStartingWith("mesh_address ");
    assertThatThrownBy(() -> DiscoveryNode.validated("n1", "core", "fd00::1"))
        .hasMessage("mesh_address must be an IPv4 address");
  }

  @Test
  void endpointValidationNamesTheBadField() {
    assertThat(HealthyEndpoint.validated("web", "n1", "fd00::1", 80, "tcp", "http").port())
        .isEqualTo(80);
    assertThatThrownBy(() -> HealthyEndpoint.validated("Web", "n1", "10.0.0.1", 80, "tcp", "http"))
        .hasMessageStartingWith("service ");
    assertThatThrownBy(() -> HealthyEndpoint.validated("web", " ", "10.0.0.1", 80, "tcp", "http"))
        .hasMessageStartingWith("node_id ");
    assertThatThrownBy(() -> HealthyEndpoint.validated("web", "n1", "10.0.0", 80, "tcp", "http"))
        .hasMessageStartingWith("address ");
    assertThatThrownBy(() -> HealthyEndpoint.validated("web", "n1", "10.0.0.1", 0, "tcp", "http"))
        .hasMessageStartingWith("port ");
    assertThatThrownBy(
            () -> HealthyEndpoint.validated("web", "n1", "10.0.0.1", 65536, "tcp", "http"))
        .hasMessageStartingWith("port ");
    assertThatThrownBy(() -> HealthyEndpoint.validated("web", "n1", "10.0.0.1", 80, "TCP", "http"))
        .hasMessageStartingWith("protocol ");
    assertThatThrownBy(() -> HealthyEndpoint.validated("web", "n1", "10.0.0.1", 80, "tcp", "_http"))
        .hasMessageStartingWith("port_name ");
  }
}
