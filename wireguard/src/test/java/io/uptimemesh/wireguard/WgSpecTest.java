package io.uptimemesh.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.UptimeMeshException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Validation of the desired-state types: names, CIDRs, endpoints, peers. */
class WgSpecTest {
  private static final String P1 = "1OpcXLc2xSuZZf51hBH1b+Hy4uNBmth6pvpkSpR1eU8=";
  private static final String P2 = "e9AGUkYOl/GoWA7q8ncdMSf9sLHHmldOHTW9ZQue8T4=";
  private static final WgPrivateKey KEY = WgKeys.generate().privateKey();

  @ParameterizedTest
  @ValueSource(strings = {"wg0", "um-wg.primary_1", "a=b+c", "fifteen-chars-x"})
  void acceptsLinuxInterfaceNames(String name) {
    assertThat(new WgInterfaceSpec(name, KEY, 51820, List.of()).name()).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "sixteen-chars-xx", "wg 0", "wg/0", "wg:0", ".", "..", "wg0\n"})
  void refusesOtherInterfaceNames(String name) {
    assertThatThrownBy(() -> new WgInterfaceSpec(name, KEY, 51820, List.of()))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("1 to 15 characters");
  }

  @Test
  void refusesPortsOutOfRange() {
    assertThatThrownBy(() -> new WgInterfaceSpec("wg0", KEY, 0, List.of()))
        .hasMessageContaining("listen port");
    assertThatThrownBy(() -> new WgInterfaceSpec("wg0", KEY, 65536, List.of()))
        .hasMessageContaining("listen port");
    assertThatThrownBy(() -> WgPeerSpec.of(P1, "192.0.2.1:0", List.of(), 0))
        .hasMessageContaining("port");
    assertThatThrownBy(() -> WgPeerSpec.of(P1, null, List.of(), 65536))
        .hasMessageContaining("keepalive");
  }

  @Test
  void refusesAPeerTwiceAnAllowedIpOnTwoPeersAndItsOwnKey() {
    assertThatThrownBy(
            () ->
                new WgInterfaceSpec(
                    "wg0",
                    KEY,
                    51820,
                    List.of(
                        WgPeerSpec.of(P1, null, List.of(), 0),
                        WgPeerSpec.of(P1, null, List.of(), 0))))
        .hasMessageContaining("twice");
    assertThatThrownBy(
            () ->
                new WgInterfaceSpec(
                    "wg0",
                    KEY,
                    51820,
                    List.of(
                        WgPeerSpec.of(P1, null, List.of("10.42.0.0/24"), 0),
                        WgPeerSpec.of(P2, null, List.of("10.42.0.0/24"), 0))))
        .hasMessageContaining("10.42.0.0/24")
        .hasMessageContaining("two peers");
    assertThatThrownBy(
            () ->
                new WgInterfaceSpec(
                    "wg0",
                    KEY,
                    51820,
                    List.of(WgPeerSpec.of(KEY.publicKey().base64(), null, List.of(), 0))))
        .hasMessageContaining("its own public key");
  }

  @Test
  void parsesCidrsIntoWgsForm() {
    assertThat(Cidr.parse("10.42.0.0/16").toString()).isEqualTo("10.42.0.0/16");
    assertThat(Cidr.parse("0.0.0.0/0").toString()).isEqualTo("0.0.0.0/0");
    assertThat(Cidr.parse("FD00:0000::0/8").toString()).isEqualTo("fd00::/8");
    assertThat(Cidr.parse("2001:db8:0:0:1:0:0:1/128").toString())
        .isEqualTo("2001:db8::1:0:0:1/128");
    assertThat(Cidr.parse("2001:db8:0:1:1:1:1:1/128").toString())
        .isEqualTo("2001:db8:0:1:1:1:1:1/128");
    assertThat(Cidr.parse("::/0").toString()).isEqualTo("::/0");
    assertThat(Cidr.parse("::1/128").toString()).isEqualTo("::1/128");
    assertThat(Cidr.parse("fd00::2/128")).isEqualTo(Cidr.parse("fd00:0::2/128"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "10.42.0.1",
        "10.42.0.1/24",
        "10.42.0.0/33",
        "10.42.0.0/-1",
        "10.42.0.0/08",
        "010.42.0.0/16",
        "fd00::1/64",
        "fd00::/129",
        "example.com/32",
        "localhost/32"
      })
  void refusesWhatIsNotACidrWithHostBitsClear(String text) {
    assertThatThrownBy(() -> Cidr.parse(text))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining(text);
  }

  @Test
  void parsesEndpoints() {
    assertThat(WgEndpoint.parse("192.0.2.1:51820")).isEqualTo(new WgEndpoint("192.0.2.1", 51820));
    assertThat(WgEndpoint.parse("[2001:DB8::1]:1").toString()).isEqualTo("[2001:db8::1]:1");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "192.0.2.1",
        "192.0.2.1:",
        "192.0.2.1:65536",
        "host.example:51820",
        "2001:db8::1:51820",
        "[2001:db8::1]",
        ":51820"
      })
  void refusesOtherEndpoints(String text) {
    assertThatThrownBy(() -> WgEndpoint.parse(text)).isInstanceOf(UptimeMeshException.class);
  }

  @Test
  void hostCidrsOfAddressesInCanonicalForm() {
    assertThat(Cidr.host("10.42.0.7")).isEqualTo(Cidr.parse("10.42.0.7/32"));
    assertThat(Cidr.host("FD75:6d65:7368:0001:0:0:0a2a:0001").toString())
        .isEqualTo("fd75:6d65:7368:1::a2a:1/128");
    assertThat(Cidr.host("fd75:6d65:7368:1::a2a:1").address()).isEqualTo("fd75:6d65:7368:1::a2a:1");
    assertThat(Cidr.parse("10.42.0.0/16").address()).isEqualTo("10.42.0.0");
    assertThatThrownBy(() -> Cidr.host("node1.example"))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("node1.example");
    assertThatThrownBy(() -> Cidr.host("10.42.0.0/16")).isInstanceOf(UptimeMeshException.class);
  }
}
