package io.uptimemesh.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiscoverySettingsTest {

  @Test
  void unsetGivesTheDefaults() {
    assertThat(RuntimeSettings.load(Map.of(), null).discovery())
        .isEqualTo(DiscoverySettings.defaults())
        .isEqualTo(new DiscoverySettings("mesh.local", 10, List.of(), 53, List.of()));
  }

  @Test
  void valuesAreParsedAndCanonicalised() {
    DiscoverySettings d =
        RuntimeSettings.load(
                Map.of(
                    "RUNTIME_DISCOVERY_DOMAIN", "Corp.Example.",
                    "RUNTIME_DISCOVERY_TTL_SECONDS", "30",
                    "RUNTIME_DISCOVERY_NAMESERVERS", "10.42.0.1, 2001:DB8::1",
                    "RUNTIME_DISCOVERY_PORT", "5353",
                    "RUNTIME_DISCOVERY_UPSTREAMS", "1.1.1.1,9.9.9.9:5353,[2001:db8::53]:53"),
                null)
            .discovery();
    assertThat(d.domain()).isEqualTo("corp.example");
    assertThat(d.ttlSeconds()).isEqualTo(30);
    assertThat(d.nameservers()).containsExactly("10.42.0.1", "2001:db8::1");
    assertThat(d.port()).isEqualTo(5353);
    assertThat(d.upstreams()).containsExactly("1.1.1.1", "9.9.9.9:5353", "[2001:db8::53]:53");
  }

  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(
            () -> RuntimeSettings.load(Map.of("RUNTIME_DISCOVERY_DOMAIN", "bad_domain"), null))
        .hasMessageContaining("RUNTIME_DISCOVERY_DOMAIN");
    assertThatThrownBy(
            () -> RuntimeSettings.load(Map.of("RUNTIME_DISCOVERY_TTL_SECONDS", "0"), null))
        .hasMessageContaining("RUNTIME_DISCOVERY_TTL_SECONDS");
    assertThatThrownBy(
            () ->
                RuntimeSettings.load(Map.of("RUNTIME_DISCOVERY_NAMESERVERS", "ns1.example"), null))
        .hasMessageContaining("RUNTIME_DISCOVERY_NAMESERVERS");
    assertThatThrownBy(() -> RuntimeSettings.load(Map.of("RUNTIME_DISCOVERY_PORT", "0"), null))
        .hasMessageContaining("RUNTIME_DISCOVERY_PORT");
    assertThatThrownBy(
            () -> RuntimeSettings.load(Map.of("RUNTIME_DISCOVERY_UPSTREAMS", "1.1.1.1:0"), null))
        .hasMessageContaining("RUNTIME_DISCOVERY_UPSTREAMS");
  }
}
