package io.uptimemesh.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.core.discovery.DiscoveryNode;
import io.uptimemesh.core.discovery.HealthyEndpoint;
import io.uptimemesh.core.discovery.ZoneRenderer;
import io.uptimemesh.core.discovery.ZoneSerial;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/**
 * Knot DNS serving zones rendered by {@link ZoneRenderer} the way an agent publishes them: written
 * to a temporary file, fsynced and renamed into place, then {@link KnotServer#reload()}. Checks
 * what a client sees (dnsjava against the real server), that a reload after a rename serves the new
 * serial and drops a withdrawn endpoint, that a broken file leaves the last good zone served, and
 * that knot never writes the file itself.
 */
class KnotServerIT {
  private static final String DOMAIN = "mesh.local";

  private static final List<DiscoveryNode> NODES =
      List.of(
          new DiscoveryNode("n1", "alpha", "10.42.0.1"),
          new DiscoveryNode("n2", "beta", "10.42.0.2"),
          new DiscoveryNode("n3", "gamma", "10.42.0.3"));

  private static final HealthyEndpoint ALPHA_WEB =
      new HealthyEndpoint("web", "n1", "10.42.0.1", 8080, "tcp", "http");
  private static final HealthyEndpoint BETA_WEB =
      new HealthyEndpoint("web", "n2", "10.42.0.2", 8080, "tcp", "http");
  private static final HealthyEndpoint GAMMA_WEB_V6 =
      new HealthyEndpoint("web", "n3", "fd00:42::3", 8443, "tcp", "http");

  @TempDir Path dir;

  @Test
  void servesTheRenderedZoneAndAReloadAfterARenameServesTheNextOne() throws Exception {
    Path zoneFile = dir.resolve("mesh.zone");
    long first = ZoneSerial.next(-1, Instant.now());
    writeAtomically(zoneFile, render(first, List.of(ALPHA_WEB, BETA_WEB, GAMMA_WEB_V6)));

    try (KnotServer knot = KnotServer.onLoopback(DOMAIN, zoneFile)) {
      DnsQuery dns = DnsQuery.of(knot);
      assertThat(dns.soaSerial(DOMAIN)).as(knot.log()).hasValue(first);
      assertThat(knot.servedSerial()).hasValue(first);
      assertThat(dns.a("alpha.node.mesh.local")).containsExactly("10.42.0.1");
      assertThat(dns.a("beta.node.mesh.local")).containsExactly("10.42.0.2");
      assertThat(dns.a("web.svc.mesh.local")).containsExactly("10.42.0.1", "10.42.0.2");
      assertThat(dns.aaaa("web.svc.mesh.local")).containsExactly("fd00:42::3");
      assertThat(dns.srv("_http._tcp.web.svc.mesh.local"))
          .containsExactly(
              new DnsQuery.Srv(0, 10, 8080, "alpha.web.svc.mesh.local."),
              new DnsQuery.Srv(0, 10, 8080, "beta.web.svc.mesh.local."),
              new DnsQuery.Srv(0, 10, 8443, "gamma.web.svc.mesh.local."));
      // SRV targets resolve to the endpoint's own address, IPv6 included.
      assertThat(dns.a("beta.web.svc.mesh.local")).containsExactly("10.42.0.2");
      assertThat(dns.aaaa("gamma.web.svc.mesh.local")).containsExactly("fd00:42::3");
      assertThat(dns.lookup("nothing.svc.mesh.local", Type.A).rcode()).isEqualTo("NXDOMAIN");
      DnsQuery.Answer web = dns.lookup("web.svc.mesh.local", Type.A);
      assertThat(web.records()).allSatisfy(r -> assertThat(r.ttl()).isEqualTo(10));

      // Beta's endpoint is withdrawn: the next content gets the next serial.
      long second = ZoneSerial.next(first, Instant.now());
      assertThat(ZoneSerial.isAfter(second, first)).isTrue();
      String secondZone = render(second, List.of(ALPHA_WEB, GAMMA_WEB_V6));
      writeAtomically(zoneFile, secondZone);
      long reloadAt = System.nanoTime();
      assertThat(knot.reload()).as(knot.log()).isZero();
      long servedMs = untilServed(dns, second, reloadAt);
      System.out.println("KNOT reload→served " + servedMs + " ms");

      assertThat(dns.a("web.svc.mesh.local")).containsExactly("10.42.0.1");
      assertThat(dns.srv("_http._tcp.web.svc.mesh.local"))
          .extracting(DnsQuery.Srv::target)
          .containsExactly("alpha.web.svc.mesh.local.", "gamma.web.svc.mesh.local.");
      assertThat(dns.lookup("beta.web.svc.mesh.local", Type.A).rcode()).isEqualTo("NXDOMAIN");
      // The node itself is still published: only its endpoint was withdrawn.
      assertThat(dns.a("beta.node.mesh.local")).containsExactly("10.42.0.2");

      // Knot only reads the file: after a reload and after it stops, it is what we wrote.
      knot.stop();
      assertThat(Files.readString(zoneFile)).isEqualTo(secondZone);
    }
  }

  @Test
  void aBrokenFileFailsTheReloadAndTheLastGoodZoneStaysServed() throws Exception {
    Path zoneFile = dir.resolve("mesh.zone");
    long first = ZoneSerial.next(-1, Instant.now());
    writeAtomically(zoneFile, render(first, List.of(ALPHA_WEB)));
    try (KnotServer knot = KnotServer.onLoopback(DOMAIN, zoneFile)) {
      DnsQuery dns = DnsQuery.of(knot);
      assertThat(dns.soaSerial(DOMAIN)).hasValue(first);

      String broken = render(first + 1, List.of()) + "this is not a record\n";
      writeAtomically(zoneFile, broken);
      // The reload command's exit code is what an agent reports as its last reload result.
      assertThat(knot.reload()).isNotZero();
      assertThat(dns.soaSerial(DOMAIN)).hasValue(first);
      assertThat(dns.a("web.svc.mesh.local")).containsExactly("10.42.0.1");
      assertThat(knot.log()).contains("failed");
    }
  }

  @Test
  void aZoneFileWrittenAfterKnotStartedIsServedAfterAReload() throws Exception {
    // The end-to-end order: the DNS server is up before the agent wrote its first zone.
    Path zoneFile = dir.resolve("later.zone");
    try (KnotServer knot = KnotServer.onLoopback(DOMAIN, zoneFile)) {
      DnsQuery dns = DnsQuery.of(knot);
      assertThat(knot.servedSerial()).isEmpty();
      assertThat(dns.lookup("alpha.node.mesh.local", Type.A).records()).isEmpty();

      long serial = ZoneSerial.next(-1, Instant.now());
      writeAtomically(zoneFile, render(serial, List.of(ALPHA_WEB)));
      long reloadAt = System.nanoTime();
      assertThat(knot.reload()).as(knot.log()).isZero();
      long servedMs = untilServed(dns, serial, reloadAt);
      System.out.println("KNOT first load reload→served " + servedMs + " ms");
      assertThat(dns.a("alpha.node.mesh.local")).containsExactly("10.42.0.1");
      assertThat(knot.servedSerial()).hasValue(serial);
    }
  }

  @Test
  void knotInANetworkNamespaceIsReloadedFromAnotherNamespace() throws Exception {
    // As in the mesh lab: knotd in one node's namespace, the reload command run by an agent that
    // may be in another one (the control socket is a path, not bound to a network namespace).
    String suffix = Long.toHexString(System.nanoTime() & 0xffffff);
    String serverNs = "umknot-s-" + suffix;
    String agentNs = "umknot-a-" + suffix;
    Path zoneFile = dir.resolve("mesh.zone");
    long first = ZoneSerial.next(-1, Instant.now());
    writeAtomically(zoneFile, render(first, List.of(ALPHA_WEB)));
    try {
      for (String ns : List.of(serverNs, agentNs)) {
        assertThat(run("ip", "netns", "add", ns)).isZero();
        assertThat(run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")).isZero();
      }
      try (KnotServer knot = KnotServer.start(DOMAIN, zoneFile, "127.0.0.1", 53, serverNs)) {
        assertThat(knot.servedSerial()).hasValue(first);
        assertThat(kdig(serverNs, "alpha.node.mesh.local")).isEqualTo("10.42.0.1");

        long second = ZoneSerial.next(first, Instant.now());
        writeAtomically(zoneFile, render(second, List.of(ALPHA_WEB, BETA_WEB)));
        List<String> reload = new ArrayList<>(List.of("ip", "netns", "exec", agentNs));
        reload.addAll(List.of(knot.reloadCommand().split(" ")));
        assertThat(run(reload.toArray(String[]::new))).as(knot.log()).isZero();
        assertThat(knot.servedSerial()).hasValue(second);
        assertThat(kdig(serverNs, "beta.node.mesh.local")).isEqualTo("10.42.0.2");
        // It really is inside: the test's own 127.0.0.1:53 does not serve this zone.
        OptionalLong fromHere;
        try {
          fromHere = new DnsQuery("127.0.0.1", 53, Duration.ofMillis(300)).soaSerial(DOMAIN);
        } catch (UncheckedIOException e) {
          fromHere = OptionalLong.empty();
        }
        assertThat(fromHere).isNotEqualTo(OptionalLong.of(second));
      }
    } finally {
      run("ip", "netns", "del", serverNs);
      run("ip", "netns", "del", agentNs);
    }
  }

  @Test
  void theReloadCommandIsOneLineWithoutQuoting() {
    Path zoneFile = dir.resolve("mesh.zone");
    try (KnotServer knot = KnotServer.onLoopback(DOMAIN, zoneFile)) {
      String command = knot.reloadCommand();
      assertThat(command).doesNotContain("'", "\"", "\n").endsWith(" -b zone-reload mesh.local");
      assertThat(command.split(" ")[0]).endsWith("/knotc");
      assertThat(Path.of(command.split(" ")[0])).isExecutable();
    }
  }

  /** kdig +short of an A record from inside a namespace. */
  private static String kdig(String namespace, String name) throws Exception {
    Process p =
        new ProcessBuilder(
                "ip",
                "netns",
                "exec",
                namespace,
                "kdig",
                "@127.0.0.1",
                "-p",
                "53",
                "+short",
                "+timeout=2",
                name,
                "A")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  private static int run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
  }

  private static String render(long serial, List<HealthyEndpoint> endpoints) {
    return ZoneRenderer.render(DOMAIN, 10, serial, NODES, endpoints, List.of());
  }

  /**
   * Polls the server until it serves {@code serial} (5 s at most) and returns the milliseconds
   * since {@code sinceNanos}; fails if it never does.
   */
  private static long untilServed(DnsQuery dns, long serial, long sinceNanos)
      throws InterruptedException {
    Set<OptionalLong> seen = new LinkedHashSet<>();
    long deadline = sinceNanos + 5_000_000_000L;
    while (System.nanoTime() < deadline) {
      OptionalLong served = dns.soaSerial(DOMAIN);
      if (served.isPresent() && served.getAsLong() == serial) {
        return (System.nanoTime() - sinceNanos) / 1_000_000;
      }
      seen.add(served);
      Thread.sleep(5);
    }
    throw new AssertionError(
        "serial " + serial + " not served within 5 s; served (distinct) " + seen);
  }

  /** As the agent writes: temporary file beside the target, fsync, atomic rename. */
  static void writeAtomically(Path target, String text) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
