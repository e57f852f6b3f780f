package io.uptimemesh.wireguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.wireguard.WgChange.PeerField;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real backend inside a network namespace of its own: kernel WireGuard if the kernel has it,
 * else wireguard-go (this machine). Interface names are random because wireguard-go's control
 * sockets in /var/run/wireguard are shared by all namespaces.
 */
class WgBackendIT {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final CommandRunner host = CommandRunner.direct();
  private String namespace;
  private String iface;
  private CommandRunner inside;
  private WgBackend backend;

  private static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  @BeforeEach
  void makeNamespace() {
    namespace = "um-wg-" + randomHex(4);
    iface = "umwg" + randomHex(4);
    host.run("ip", "netns", "add", namespace);
    // LOG_LEVEL as the agent's own settings set it: wireguard-go would then keep our pipes open
    // and its start would never finish, unless the backend starts it without that variable.
    inside =
        new CommandRunner(
            List.of("ip", "netns", "exec", namespace),
            Duration.ofSeconds(10),
            Map.of("LOG_LEVEL", "INFO"));
    backend = new WgBackend(inside);
  }

  @AfterEach
  void deleteNamespaceAndDaemon() throws Exception {
    // Deleting a namespace does not stop a wireguard-go inside it: find ours by its unique name.
    for (ProcessHandle daemon : wireguardGoFor(iface)) {
      daemon.destroyForcibly();
      daemon.onExit().get();
    }
    host.exec(null, "ip", "netns", "del", namespace);
    Files.deleteIfExists(Path.of("/var/run/wireguard", iface + ".sock"));
  }

  private static List<ProcessHandle> wireguardGoFor(String name) {
    return ProcessHandle.allProcesses()
        .filter(
            p ->
                p.info().command().map(c -> c.endsWith("wireguard-go")).orElse(false)
                    && p.info()
                        .arguments()
                        .map(a -> List.of(a).equals(List.of(name)))
                        .orElse(false))
        .collect(Collectors.toList());
  }

  private WgInterfaceState dump() {
    return WgDump.parse(inside.run("wg", "show", iface, "dump").stdout());
  }

  /** The configuration part of a state: what apply controls, without counters and handshakes. */
  private static String config(WgInterfaceState state) {
    return state.privateKey().map(WgPrivateKey::reveal).orElse("-")
        + " "
        + state.listenPort()
        + " "
        + state.peers().stream()
            .map(
                p ->
                    p.publicKey()
                        + "|"
                        + p.endpoint().map(WgEndpoint::toString).orElse("-")
                        + "|"
                        + p.allowedIps()
                        + "|"
                        + p.persistentKeepaliveSeconds())
            .sorted()
            .collect(Collectors.joining(","));
  }

  @Test
  void appliesOnlyTheDifferenceAndASecondRunChangesNothing() {
    WgKeyPair own = WgKeys.generate();
    WgPublicKey p1 = WgKeys.generate().publicKey();
    WgPublicKey p2 = WgKeys.generate().publicKey();
    WgPeerSpec first =
        WgPeerSpec.of(p1.base64(), "192.0.2.1:51820", List.of("10.42.0.2/32", "10.42.1.0/24"), 25);
    WgPeerSpec second = WgPeerSpec.of(p2.base64(), null, List.of("10.42.0.3/32", "fd00::3/128"), 0);
    WgInterfaceSpec spec =
        new WgInterfaceSpec(iface, own.privateKey(), 51820, List.of(first, second));

    // 1. Create and configure.
    WgApplyResult created = backend.apply(spec);

    assertThat(created.createdWith()).isPresent();
    if (created.createdWith().get() == WgBackend.Implementation.USERSPACE) {
      assertThat(wireguardGoFor(iface)).hasSize(1);
    }
    assertThat(created.broughtUp()).isTrue();
    assertThat(created.plan().changes())
        .hasSize(4)
        .contains(
            new WgChange.SetPrivateKey(own.privateKey()),
            new WgChange.SetListenPort(51820),
            new WgChange.AddPeer(first),
            new WgChange.AddPeer(second));
    WgInterfaceState state = dump();
    assertThat(state.privateKey()).hasValue(own.privateKey());
    assertThat(state.publicKey()).hasValue(own.publicKey());
    assertThat(state.listenPort()).isEqualTo(51820);
    WgPeerState seen1 = state.peer(p1).orElseThrow();
    assertThat(seen1.endpoint()).hasValue(WgEndpoint.parse("192.0.2.1:51820"));
    assertThat(seen1.allowedIps()).isEqualTo(first.allowedIps());
    assertThat(seen1.persistentKeepaliveSeconds()).isEqualTo(25);
    WgPeerState seen2 = state.peer(p2).orElseThrow();
    assertThat(seen2.endpoint()).isEmpty();
    assertThat(seen2.allowedIps())
        .extracting(Cidr::toString)
        .containsExactly("10.42.0.3/32", "fd00::3/128");
    assertThat(seen2.persistentKeepaliveSeconds()).isZero();
    assertThat(inside.run("ip", "-o", "link", "show", "dev", iface).stdout()).contains(",UP");
    String configured = config(state);

    // 2. The same spec again: nothing to do, nothing changed.
    WgApplyResult again = backend.apply(spec);

    assertThat(again.unchanged()).as(again.toString()).isTrue();
    assertThat(again.plan().changes()).isEmpty();
    assertThat(config(dump())).isEqualTo(configured);
    assertThat(backend.observe(iface).map(WgBackendIT::config)).hasValue(configured);

    // 3. One peer changes its endpoint and allowed IPs.
    WgPeerSpec moved = WgPeerSpec.of(p1.base64(), "192.0.2.7:51999", List.of("10.42.0.2/32"), 25);
    WgApplyResult update =
        backend.apply(new WgInterfaceSpec(iface, own.privateKey(), 51820, List.of(moved, second)));

    assertThat(update.createdWith()).isEmpty();
    assertThat(update.plan().changes())
        .containsExactly(
            new WgChange.UpdatePeer(moved, Set.of(PeerField.ENDPOINT, PeerField.ALLOWED_IPS)));
    WgPeerState after = dump().peer(p1).orElseThrow();
    assertThat(after.endpoint()).hasValue(WgEndpoint.parse("192.0.2.7:51999"));
    assertThat(after.allowedIps()).extracting(Cidr::toString).containsExactly("10.42.0.2/32");
    assertThat(dump().peer(p2).map(WgPeerState::allowedIps)).hasValue(second.allowedIps());

    // 4. A peer goes away.
    WgApplyResult removal =
        backend.apply(new WgInterfaceSpec(iface, own.privateKey(), 51820, List.of(moved)));

    assertThat(removal.plan().changes()).containsExactly(new WgChange.RemovePeer(p2));
    assertThat(dump().peers()).extracting(WgPeerState::publicKey).containsExactly(p1);
    assertThat(
            backend
                .apply(new WgInterfaceSpec(iface, own.privateKey(), 51820, List.of(moved)))
                .unchanged())
        .isTrue();

    // 5. Remove the interface: the link is gone and so is any wireguard-go behind it.
    assertThat(backend.remove(iface)).isTrue();

    assertThat(inside.exec(null, "ip", "link", "show", "dev", iface).ok()).isFalse();
    assertThat(backend.observe(iface)).isEmpty();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!wireguardGoFor(iface).stream().filter(ProcessHandle::isAlive).toList().isEmpty()
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(wireguardGoFor(iface).stream().filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(backend.remove(iface)).isFalse();
  }

  @Test
  void aKeyOrPortChangedBehindOurBackIsSetBackAndStrayPeersGo() throws Exception {
    WgKeyPair own = WgKeys.generate();
    WgInterfaceSpec spec = new WgInterfaceSpec(iface, own.privateKey(), 51821, List.of());
    backend.apply(spec);
    // Someone else changes the interface: another key, another port, a peer we never wanted.
    Path otherKey = Files.createTempFile("um-wg-key", ".key");
    try {
      Files.writeString(otherKey, WgKeys.generate().privateKey().reveal() + "\n");
      WgPublicKey stray = WgKeys.generate().publicKey();
      inside.run(
          "wg",
          "set",
          iface,
          "private-key",
          otherKey.toString(),
          "listen-port",
          "51822",
          "peer",
          stray.base64(),
          "allowed-ips",
          "10.42.9.0/24");
    } finally {
      Files.deleteIfExists(otherKey);
    }

    WgApplyResult repaired = backend.apply(spec);

    assertThat(repaired.plan().changes()).hasSize(3);
    WgInterfaceState state = dump();
    assertThat(state.privateKey()).hasValue(own.privateKey());
    assertThat(state.listenPort()).isEqualTo(51821);
    assertThat(state.peers()).isEmpty();
    assertThat(backend.apply(spec).unchanged()).isTrue();
    assertThat(Optional.of(backend.remove(iface))).hasValue(true);
  }
}
