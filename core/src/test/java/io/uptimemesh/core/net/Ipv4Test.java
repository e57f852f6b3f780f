package io.uptimemesh.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4Test {

  @Test
  void parsesIpv4() {
    assertThat(Ipv4.parse("10.42.0.1")).hasValue(0x0A2A0001L);
    assertThat(Ipv4.parse("255.255.255.255")).hasValue(0xFFFFFFFFL);
    assertThat(Ipv4.parse("0.0.0.0")).hasValue(0L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.", "a.b.c.d", ""})
  void refusesInvalidIpv4(String text) {
    assertThat(Ipv4.parse(text)).isEmpty();
  }
}
