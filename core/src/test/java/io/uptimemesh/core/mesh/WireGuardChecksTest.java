package io.uptimemesh.core.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.UptimeMeshException;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WireGuardChecksTest {
  private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

  @Test
  void acceptsBase64Of32Bytes() {
    assertThat(WireGuardChecks.publicKey("k", KEY)).isEqualTo(KEY);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not-a-key",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", // 43 characters
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", // 31 bytes
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA!=",
      })
  void refusesOtherKeysNamingTheField(String key) {
    assertThatThrownBy(() -> WireGuardChecks.publicKey("primary_public_key", key))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("primary_public_key");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"192.0.2.1:51820", "[2001:db8::1]:51820", "node-1.example.org:1", "h:65535"})
  void acceptsHostPort(String endpoint) {
    assertThat(WireGuardChecks.endpoint("e", endpoint)).isEqualTo(endpoint);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "192.0.2.1",
        "192.0.2.1:",
        ":51820",
        "192.0.2.1:0",
        "192.0.2.1:65536",
        "192.0.2.1:x",
        "300.0.2.1:51820",
        "2001:db8::1:51820",
        "[zz::1]:51820",
        "bad_host:51820",
        "-x.example:51820"
      })
  void refusesOtherEndpointsNamingTheField(String endpoint) {
    assertThatThrownBy(() -> WireGuardChecks.endpoint("secondary_endpoint", endpoint))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("secondary_endpoint");
  }

  @Test
  void aSecondaryPathNeedsBothKeyAndEndpoint() {
    assertThatThrownBy(
            () ->
                WireGuardChecks.check(
                    new NodeWireGuard(KEY, "192.0.2.1:1", Optional.of(KEY), Optional.empty())))
        .hasMessageContaining("secondary_public_key and secondary_endpoint");
    assertThat(
            WireGuardChecks.check(
                    new NodeWireGuard(
                        KEY, "192.0.2.1:1", Optional.of(KEY), Optional.of("198.51.100.1:2")))
                .hasSecondary())
        .isTrue();
  }
}
