package io.uptimemesh.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NetSyntaxTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "::",
        "::1",
        "1::",
        "fd00::",
        "2001:db8::8a2e:370:7334",
        "1:2:3:4:5:6:7:8",
        "::ffff:192.0.2.1",
        "fe80::1%eth0",
        "1:2:3:4:5:6::7"
      })
  void acceptsIpv6(String text) {
    assertThat(NetSyntax.isIpv6(text)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        ":",
        ":::",
        "1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7:8:9",
        "1::2::3",
        "12345::",
        "g::1",
        "[::1]",
        "::1%",
        "1:2:3:4:5:6:7::8",
        "::ffff:300.0.0.1",
        "1.2.3.4::"
      })
  void refusesInvalidIpv6(String text) {
    assertThat(NetSyntax.isIpv6(text)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "a", "node-1.example.org", "x1.y2"})
  void acceptsHostnames(String text) {
    assertThat(NetSyntax.isHostname(text)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "-a", "a-", "a..b", ".a", "a.", "a_b", "1.2.3.4", "10.0.0.256", "a b"})
  void refusesInvalidHostnames(String text) {
    assertThat(NetSyntax.isHostname(text)).isFalse();
  }

  @Test
  void hostnameLengthLimits() {
    assertThat(NetSyntax.isHostname("a".repeat(63))).isTrue();
    assertThat(NetSyntax.isHostname("a".repeat(64))).isFalse();
    String twoHundredFiftyFive = ("a".repeat(63) + ".").repeat(4).substring(0, 255);
    assertThat(NetSyntax.isHostname(twoHundredFiftyFive)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.42.0.0/16", "10.0.0.0/8", "192.168.7.252/30", "172.16.0.0/12"})
  void acceptsCidrs(String text) {
    assertThat(NetSyntax.cidrProblem(text, 8, 30)).isNull();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "10.42.0.1/16|the address is not the network address; did you mean 10.42.0.0/16?",
        "192.168.7.255/30|the address is not the network address; did you mean 192.168.7.252/30?",
        "10.0.0.0/31|the prefix length 31 is outside 8..30",
        "10.0.0.0/x|the prefix length is not a number",
        "10.0.0.0/|the prefix length is not a number",
        "10.0.0/8|the part before / is not an IPv4 address",
        "10.0.0.0|it has no /prefix length"
      })
  void explainsBadCidrs(String text, String problem) {
    assertThat(NetSyntax.cidrProblem(text, 8, 30)).isEqualTo(problem);
  }
}
