package io.uptimemesh.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Dump texts captured from {@code wg show IFACE dump} on wireguard-go interfaces. */
class WgDumpTest {

  /** A fresh interface: no key, a random port. */
  static final String FRESH = "(none)\t(none)\t41099\toff\n";

  /** Three peers: with endpoint and keepalive, without endpoint, without allowed IPs. */
  static final String THREE_PEERS =
      """
      sKwZMp3NQqIWwUqN9XaTnYLL+Z17gKbHmPwjv0evqWk=\tHLFQO9xNnV7+EPGGilI96n2Gdrr+weaiiuRXsKTC4iE=\t51820\toff
      e9AGUkYOl/GoWA7q8ncdMSf9sLHHmldOHTW9ZQue8T4=\t(none)\t(none)\t10.42.0.3/32\t0\t0\t0\toff
      Rcv0tpd9jiderlOlUY48cAGpKb7erPr9Nw2RKa04KWo=\t(none)\t(none)\t(none)\t0\t0\t0\toff
      1OpcXLc2xSuZZf51hBH1b+Hy4uNBmth6pvpkSpR1eU8=\t(none)\t192.0.2.1:51820\t10.42.0.2/32,10.42.1.0/24\t0\t0\t0\t25
      """;

  /** After a handshake between two namespaces, plus an fwmark. */
  static final String AFTER_HANDSHAKE =
      """
      CHKGeVzPfEqG5ISCexS0ijlM41dtdwOdQOIaY4lVQkw=\t4NmsUgX75T9uoem/6C7Ejqg6Jp3FOznBBxFWVtMdJCw=\t51820\t0x1234
      8f85vLbq5f4w1EJC3fHKIMuzQYif0JXe7dv1BdoJTkQ=\t(none)\t192.0.2.2:51821\t10.99.0.2/32\t1795351738\t860\t840\t5
      """;

  /** An IPv6 endpoint and allowed IPs of both families. */
  static final String IPV6 =
      """
      sKwZMp3NQqIWwUqN9XaTnYLL+Z17gKbHmPwjv0evqWk=\tHLFQO9xNnV7+EPGGilI96n2Gdrr+weaiiuRXsKTC4iE=\t51820\toff
      e9AGUkYOl/GoWA7q8ncdMSf9sLHHmldOHTW9ZQue8T4=\t(none)\t[2001:db8::1]:51821\t10.42.0.3/32,fd00::3/128\t0\t0\t0\toff
      """;

  @Test
  void parsesAFreshInterface() {
    WgInterfaceState state = WgDump.parse(FRESH);

    assertThat(state.privateKey()).isEmpty();
    assertThat(state.publicKey()).isEmpty();
    assertThat(state.listenPort()).isEqualTo(41099);
    assertThat(state.fwmark()).isZero();
    assertThat(state.peers()).isEmpty();
  }

  @Test
  void parsesPeersWithNoneAndOffValues() {
    WgInterfaceState state = WgDump.parse(THREE_PEERS);

    WgPrivateKey key = WgPrivateKey.parse("sKwZMp3NQqIWwUqN9XaTnYLL+Z17gKbHmPwjv0evqWk=");
    assertThat(state.privateKey()).hasValue(key);
    // The public key wg printed is the one our X25519 derives.
    assertThat(state.publicKey()).hasValue(key.publicKey());
    assertThat(state.publicKey().get().base64())
        .isEqualTo("HLFQO9xNnV7+EPGGilI96n2Gdrr+weaiiuRXsKTC4iE=");
    assertThat(state.listenPort()).isEqualTo(51820);
    assertThat(state.peers()).hasSize(3);

    WgPeerState noEndpoint = state.peers().get(0);
    assertThat(noEndpoint.publicKey().base64())
        .isEqualTo("e9AGUkYOl/GoWA7q8ncdMSf9sLHHmldOHTW9ZQue8T4=");
    assertThat(noEndpoint.hasPresharedKey()).isFalse();
    assertThat(noEndpoint.endpoint()).isEmpty();
    assertThat(noEndpoint.allowedIps()).containsExactly(Cidr.parse("10.42.0.3/32"));
    assertThat(noEndpoint.latestHandshake()).isEmpty();
    assertThat(noEndpoint.persistentKeepaliveSeconds()).isZero();

    WgPeerState bare = state.peers().get(1);
    assertThat(bare.allowedIps()).isEmpty();

    WgPeerState full =
        state.peer(WgPublicKey.parse("1OpcXLc2xSuZZf51hBH1b+Hy4uNBmth6pvpkSpR1eU8=")).orElseThrow();
    assertThat(full.endpoint()).hasValue(new WgEndpoint("192.0.2.1", 51820));
    assertThat(full.allowedIps())
        .containsExactly(Cidr.parse("10.42.0.2/32"), Cidr.parse("10.42.1.0/24"));
    assertThat(full.persistentKeepaliveSeconds()).isEqualTo(25);
  }

  @Test
  void parsesHandshakeTransferAndFwmark() {
    WgInterfaceState state = WgDump.parse(AFTER_HANDSHAKE);

    assertThat(state.fwmark()).isEqualTo(0x1234);
    WgPeerState peer = state.peers().get(0);
    assertThat(peer.latestHandshake()).hasValue(Instant.ofEpochSecond(1795351738L));
    assertThat(peer.rxBytes()).isEqualTo(860);
    assertThat(peer.txBytes()).isEqualTo(840);
    assertThat(peer.persistentKeepaliveSeconds()).isEqualTo(5);
  }

  @Test
  void parsesIpv6EndpointsAndAllowedIps() {
    WgPeerState peer = WgDump.parse(IPV6).peers().get(0);

    assertThat(peer.endpoint()).hasValue(new WgEndpoint("2001:db8::1", 51821));
    assertThat(peer.endpoint().get().toString()).isEqualTo("[2001:db8::1]:51821");
    assertThat(peer.allowedIps())
        .extracting(Cidr::toString)
        .containsExactly("10.42.0.3/32", "fd00::3/128");
  }

  @Test
  void aPresharedKeyIsNotedButNotKept() {
    String text =
        "(none)\t(none)\t1\toff\n"
            + "e9AGUkYOl/GoWA7q8ncdMSf9sLHHmldOHTW9ZQue8T4=\tRcv0tpd9jiderlOlUY48cAGpKb7erPr9Nw2RKa04KWo="
            + "\t(none)\t(none)\t0\t0\t0\toff\n";

    WgPeerState peer = WgDump.parse(text).peers().get(0);

    assertThat(peer.hasPresharedKey()).isTrue();
    assertThat(peer.toString()).doesNotContain("Rcv0tpd9");
  }

  @Test
  void aParsedStateNeverPrintsThePrivateKey() {
    assertThat(WgDump.parse(THREE_PEERS).toString())
        .doesNotContain("sKwZMp3NQqIWwUqN9XaTnYLL")
        .contains("[redacted]");
  }

  @Test
  void refusesMalformedDumpsWithoutQuotingThem() {
    String secret = "sKwZMp3NQqIWwUqN9XaTnYLL+Z17gKbHmPwjv0evqWk=";
    for (String text :
        List.of(
            "",
            secret + "\t(none)\t51820\n",
            secret + "\t(none)\tport\toff\n",
            secret + "\t(none)\t70000\toff\n",
            secret.substring(1) + "\t(none)\t51820\toff\n",
            secret
                + "\t(none)\t51820\toff\n"
                + secret
                + "\t(none)\t(none)\t10.0.0.1/8\t0\t0\t0\toff\n",
            secret
                + "\t(none)\t51820\toff\n"
                + secret
                + "\t(none)\tsomehost:1\t(none)\t0\t0\t0\toff\n",
            secret
                + "\t(none)\t51820\toff\n"
                + secret
                + "\t(none)\t(none)\t(none)\t0\t0\t0\t1\textra\n")) {
      assertThatThrownBy(() -> WgDump.parse(text))
          .as(text)
          .isInstanceOf(UptimeMeshException.class)
          .hasMessageStartingWith("unexpected output of wg show dump, line ")
          .hasMessageNotContaining(secret.substring(0, 20))
          .extracting(e -> ((UptimeMeshException) e).errorCode())
          .isEqualTo(ErrorCode.INTERNAL);
    }
  }
}
