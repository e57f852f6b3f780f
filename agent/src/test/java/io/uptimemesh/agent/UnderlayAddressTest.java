package io.uptimemesh.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.UptimeMeshException;
import org.junit.jupiter.api.Test;

class UnderlayAddressTest {
  @Test
  void theDefaultRoutesDeviceAndItsFirstGlobalIpv4() throws Exception {
    assertThat(
            UnderlayAddress.deviceOf(
                "[{\"dst\":\"default\",\"gateway\":\"192.0.2.1\",\"dev\":\"eth0\",\"flags\":[]}]"))
        .isEqualTo("eth0");
    String addr =
        "[{\"ifname\":\"eth0\",\"addr_info\":["
            + "{\"family\":\"inet6\",\"local\":\"fe80::1\",\"scope\":\"link\"},"
            + "{\"family\":\"inet6\",\"local\":\"2001:db8::7\",\"scope\":\"global\"},"
            + "{\"family\":\"inet\",\"local\":\"192.0.2.7\",\"prefixlen\":24,\"scope\":\"global\"}]}]";
    assertThat(UnderlayAddress.addressOf(addr)).isEqualTo("192.0.2.7");
  }

  @Test
  void ipv6WhenThereIsNoIpv4AndAClearErrorWithoutARoute() throws Exception {
    assertThat(
            UnderlayAddress.addressOf(
                "[{\"addr_info\":[{\"family\":\"inet6\",\"local\":\"2001:db8::7\",\"scope\":\"global\"}]}]"))
        .isEqualTo("2001:db8::7");
    assertThatThrownBy(() -> UnderlayAddress.deviceOf("[]"))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("RUNTIME_WG_PRIMARY_ENDPOINT");
  }
}
