package io.uptimemesh.wireguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.wireguard.WgChange.PeerField;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WgSetCommandTest {
  private static final String P1 = "1OpcXLc2xSuZZf51hBH1b+Hy4uNBmth6pvpkSpR1eU8=";
  private static final String P2 = "e9AGUkYOl/GoWA7q8ncdMSf9sLHHmldOHTW9ZQue8T4=";

  @Test
  void rendersAWholePlanAsOneCommandWithTheKeyOnStdin() {
    WgPrivateKey key = WgKeys.generate().privateKey();
    WgPeerSpec peer =
        WgPeerSpec.of(P1, "192.0.2.1:51820", List.of("10.42.0.2/32", "10.42.1.0/24"), 25);
    WgPeerSpec bare = WgPeerSpec.of(P2, null, List.of(), 0);
    WgPlan plan =
        new WgPlan(
            List.of(
                new WgChange.SetPrivateKey(key),
                new WgChange.SetListenPort(51820),
                new WgChange.RemovePeer(WgPublicKey.parse(P2)),
                new WgChange.AddPeer(peer),
                new WgChange.AddPeer(bare)));

    List<String> argv = WgSetCommand.argv("umwg0", plan);

    assertThat(argv)
        .containsExactly(
            "wg",
            "set",
            "umwg0",
            "private-key",
            "/dev/stdin",
            "listen-port",
            "51820",
            "peer",
            P2,
            "remove",
            "peer",
            P1,
            "endpoint",
            "192.0.2.1:51820",
            "allowed-ips",
            "10.42.0.2/32,10.42.1.0/24",
            "persistent-keepalive",
            "25",
            "peer",
            P2,
            "allowed-ips",
            "",
            "persistent-keepalive",
            "off");
    assertThat(String.join(" ", argv)).doesNotContain(key.reveal());
    assertThat(WgSetCommand.stdin(plan)).hasValue(key.reveal() + "\n");
  }

  @Test
  void anUpdateSetsOnlyTheFieldsThatChanged() {
    WgPeerSpec peer = WgPeerSpec.of(P1, "[2001:db8::1]:51820", List.of("fd00::2/128"), 0);
    WgPlan plan =
        new WgPlan(
            List.of(
                new WgChange.UpdatePeer(
                    peer, Set.of(PeerField.ENDPOINT, PeerField.PERSISTENT_KEEPALIVE))));

    assertThat(WgSetCommand.argv("umwg0", plan))
        .containsExactly(
            "wg",
            "set",
            "umwg0",
            "peer",
            P1,
            "endpoint",
            "[2001:db8::1]:51820",
            "persistent-keepalive",
            "off");
    assertThat(WgSetCommand.stdin(plan)).isEmpty();
  }
}
