package io.uptimemesh.wireguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.wireguard.WgChange.PeerField;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WgDiffTest {
  private static final WgPrivateKey KEY =
      WgPrivateKey.parse("sKwZMp3NQqIWwUqN9XaTnYLL+Z17gKbHmPwjv0evqWk=");
  private static final String P1 = "1OpcXLc2xSuZZf51hBH1b+Hy4uNBmth6pvpkSpR1eU8=";
  private static final String P2 = "e9AGUkYOl/GoWA7q8ncdMSf9sLHHmldOHTW9ZQue8T4=";
  private static final String P3 = "Rcv0tpd9jiderlOlUY48cAGpKb7erPr9Nw2RKa04KWo=";

  /** The spec that {@link WgDumpTest#THREE_PEERS} was made from. */
  private static WgInterfaceSpec threePeers() {
    return new WgInterfaceSpec(
        "umwg0",
        KEY,
        51820,
        List.of(
            WgPeerSpec.of(P1, "192.0.2.1:51820", List.of("10.42.1.0/24", "10.42.0.2/32"), 25),
            WgPeerSpec.of(P2, null, List.of("10.42.0.3/32"), 0),
            WgPeerSpec.of(P3, null, List.of(), 0)));
  }

  @Test
  void anObservedStateEqualToTheSpecGivesAnEmptyPlan() {
    WgPlan plan = WgDiff.plan(threePeers(), WgDump.parse(WgDumpTest.THREE_PEERS));

    assertThat(plan.isEmpty()).as(plan.toString()).isTrue();
  }

  @Test
  void aFreshInterfaceGetsKeyPortAndEveryPeerSortedByKey() {
    WgPlan plan = WgDiff.plan(threePeers(), WgDump.parse(WgDumpTest.FRESH));

    assertThat(plan.changes())
        .containsExactly(
            new WgChange.SetPrivateKey(KEY),
            new WgChange.SetListenPort(51820),
            new WgChange.AddPeer(threePeers().peers().get(0)),
            new WgChange.AddPeer(threePeers().peers().get(2)),
            new WgChange.AddPeer(threePeers().peers().get(1)));
  }

  @Test
  void anotherPrivateKeyOrPortIsSetAgain() {
    WgInterfaceSpec spec =
        new WgInterfaceSpec("umwg0", WgKeys.generate().privateKey(), 51999, threePeers().peers());

    WgPlan plan = WgDiff.plan(spec, WgDump.parse(WgDumpTest.THREE_PEERS));

    assertThat(plan.changes())
        .containsExactly(
            new WgChange.SetPrivateKey(spec.privateKey()), new WgChange.SetListenPort(51999));
    assertThat(plan.toString()).contains("[redacted]").doesNotContain(spec.privateKey().reveal());
  }

  @Test
  void updatesOnlyThePeerAndFieldsThatDiffer() {
    WgInterfaceSpec spec =
        new WgInterfaceSpec(
            "umwg0",
            KEY,
            51820,
            List.of(
                WgPeerSpec.of(P1, "192.0.2.9:51820", List.of("10.42.0.2/32", "10.42.1.0/24"), 25),
                WgPeerSpec.of(P2, null, List.of("10.42.0.3/32", "10.42.2.0/24"), 10),
                WgPeerSpec.of(P3, null, List.of(), 0)));

    WgPlan plan = WgDiff.plan(spec, WgDump.parse(WgDumpTest.THREE_PEERS));

    assertThat(plan.changes())
        .containsExactly(
            new WgChange.UpdatePeer(spec.peers().get(0), Set.of(PeerField.ENDPOINT)),
            new WgChange.UpdatePeer(
                spec.peers().get(1),
                Set.of(PeerField.ALLOWED_IPS, PeerField.PERSISTENT_KEEPALIVE)));
  }

  @Test
  void removesPeersThatAreNoLongerWantedBeforeAddingNewOnes() {
    WgPeerSpec added =
        WgPeerSpec.of(WgKeys.generate().publicKey().base64(), null, List.of("10.42.0.9/32"), 0);
    WgInterfaceSpec spec =
        new WgInterfaceSpec("umwg0", KEY, 51820, List.of(threePeers().peers().get(0), added));

    WgPlan plan = WgDiff.plan(spec, WgDump.parse(WgDumpTest.THREE_PEERS));

    assertThat(plan.changes())
        .containsExactly(
            new WgChange.RemovePeer(WgPublicKey.parse(P3)),
            new WgChange.RemovePeer(WgPublicKey.parse(P2)),
            new WgChange.AddPeer(added));
  }

  @Test
  void anEndpointLearnedByRoamingIsNotADifference() {
    // The peer has no configured endpoint; WireGuard learned one from the peer's handshake.
    String observed =
        WgDumpTest.AFTER_HANDSHAKE.replace(
            "CHKGeVzPfEqG5ISCexS0ijlM41dtdwOdQOIaY4lVQkw=", KEY.reveal());
    WgInterfaceSpec spec =
        new WgInterfaceSpec(
            "umwg0",
            KEY,
            51820,
            List.of(
                WgPeerSpec.of(
                    "8f85vLbq5f4w1EJC3fHKIMuzQYif0JXe7dv1BdoJTkQ=",
                    null,
                    List.of("10.99.0.2/32"),
                    5)));

    assertThat(WgDiff.plan(spec, WgDump.parse(observed)).isEmpty()).isTrue();
  }

  @Test
  void allowedIpsCompareAsSetsAndIpv6InCanonicalForm() {
    WgInterfaceSpec spec =
        new WgInterfaceSpec(
            "umwg0",
            KEY,
            51820,
            List.of(
                WgPeerSpec.of(
                    P2,
                    "[2001:0db8:0:0:0:0:0:1]:51821",
                    List.of("FD00:0:0:0:0:0:0:3/128", "10.42.0.3/32"),
                    0)));

    assertThat(WgDiff.plan(spec, WgDump.parse(WgDumpTest.IPV6)).isEmpty()).isTrue();
  }
}
