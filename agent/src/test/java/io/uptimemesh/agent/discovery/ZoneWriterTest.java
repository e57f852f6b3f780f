package io.uptimemesh.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.uptimemesh.agent.status.AgentMetrics;
import io.uptimemesh.core.config.AgentDiscoverySettings;
import io.uptimemesh.core.discovery.DiscoveryDocument;
import io.uptimemesh.core.discovery.DiscoveryNode;
import io.uptimemesh.core.discovery.HealthyEndpoint;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zone writer with real files, a real reload command and the agent's Vert.x worker. */
class ZoneWriterTest {
  @TempDir Path dir;

  private final Vertx vertx = Vertx.vertx();
  private final AgentMetrics metrics = new AgentMetrics();
  private final Clock clock = Clock.fixed(Instant.ofEpochSecond(1_000_000), ZoneOffset.UTC);

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static DiscoveryDocument.Zone zone(String... webAddresses) {
    List<HealthyEndpoint> endpoints =
        java.util.Arrays.stream(webAddresses)
            .map(a -> new HealthyEndpoint("web", "n1", a, 8080, "tcp", "http"))
            .toList();
    return new DiscoveryDocument.Zone(
        List.of(new DiscoveryNode("n1", "node-1", "10.200.0.1")), endpoints);
  }

  private AgentDiscoverySettings settings(String reloadCommand) {
    return new AgentDiscoverySettings(
        true,
        dir.resolve("dns/mesh.zone"),
        dir.resolve("dns/Corefile"),
        Optional.ofNullable(reloadCommand),
        Optional.empty(),
        new io.uptimemesh.core.config.DiscoverySettings(
            "mesh.local", 10, List.of(), 5353, List.of("192.0.2.53")));
  }

  private ZoneWriter writer(String reloadCommand, Clock at, Duration reloadTimeout) {
    return new ZoneWriter(
        vertx,
        settings(reloadCommand),
        () -> Optional.of("10.200.0.1"),
        at,
        metrics,
        reloadTimeout);
  }

  private void update(ZoneWriter writer, DiscoveryDocument.Zone zone) {
    long before = writer.runs();
    vertx.runOnContext(v -> writer.update(zone));
    await().atMost(Duration.ofSeconds(15)).until(() -> writer.runs() > before);
  }

  private List<String> marker() throws Exception {
    Path marker = dir.resolve("marker");
    return Files.exists(marker) ? Files.readAllLines(marker) : List.of();
  }

  @Test
  void writesZoneAndCorefileReloadsAndRewritesOnlyOnChange() throws Exception {
    String reload = "echo reloaded $UPTIMEMESH_DISCOVERY_SERIAL >> " + dir.resolve("marker");
    ZoneWriter writer = writer(reload, clock, Duration.ofSeconds(10));

    update(writer, zone("10.200.0.1"));
    String first = Files.readString(dir.resolve("dns/mesh.zone"));
    assertThat(first).contains("web.svc IN A 10.200.0.1", " 1000000 ", "ns1 IN A 10.200.0.1");
    assertThat(Files.readString(dir.resolve("dns/Corefile")))
        .contains(
            "mesh.local.:5353 {",
            "bind 10.200.0.1",
            "file " + dir.resolve("dns/mesh.zone").toAbsolutePath() + " mesh.local.",
            "reload 2s",
            "cache 10",
            "forward . 192.0.2.53");
    assertThat(marker()).containsExactly("reloaded 1000000");
    assertThat(writer.rendered().orElseThrow().serial()).isEqualTo(1_000_000);
    assertThat(writer.rendered().orElseThrow().records()).isEqualTo(7);
    assertThat(writer.lastReload().orElseThrow().ok()).isTrue();
    assertThat(Files.list(dir.resolve("dns")).map(p -> p.getFileName().toString()))
        .containsExactlyInAnyOrder("mesh.zone", "Corefile");

    update(writer, zone("10.200.0.1"));
    assertThat(marker()).hasSize(1);

    // The clock has not moved: the serial still goes up by one.
    update(writer, zone("10.200.0.1", "10.200.0.7"));
    assertThat(Files.readString(dir.resolve("dns/mesh.zone")))
        .contains(" 1000001 ", "web.svc IN A 10.200.0.7");
    assertThat(marker()).containsExactly("reloaded 1000000", "reloaded 1000001");
    assertThat(metrics.scrape())
        .contains("uptimemesh_agent_discovery_zone_renders_total 2.0")
        .contains("uptimemesh_agent_discovery_reloads_total{result=\"ok\"} 2.0");
  }

  @Test
  void aRestartReadsTheSerialBackAndWritesNothingWhenTheFileIsCurrent() throws Exception {
    String reload = "echo reloaded >> " + dir.resolve("marker");
    ZoneWriter first = writer(reload, clock, Duration.ofSeconds(10));
    update(first, zone("10.200.0.1"));
    update(first, zone("10.200.0.2"));
    Path zoneFile = dir.resolve("dns/mesh.zone");
    String written = Files.readString(zoneFile);
    assertThat(written).contains(" 1000001 ");
    Instant modified = Files.getLastModifiedTime(zoneFile).toInstant();

    // Restarted with the clock behind the stored serial: nothing to write for the same content...
    Clock earlier = Clock.fixed(Instant.ofEpochSecond(500), ZoneOffset.UTC);
    ZoneWriter restarted = writer(reload, earlier, Duration.ofSeconds(10));
    update(restarted, zone("10.200.0.2"));
    assertThat(Files.readString(zoneFile)).isEqualTo(written);
    assertThat(Files.getLastModifiedTime(zoneFile).toInstant()).isEqualTo(modified);
    assertThat(restarted.rendered().orElseThrow().serial()).isEqualTo(1_000_001);
    assertThat(marker()).hasSize(2);

    // ...and the next change goes on from the stored serial, not from the clock.
    update(restarted, zone("10.200.0.3"));
    assertThat(Files.readString(zoneFile)).contains(" 1000002 ", "web.svc IN A 10.200.0.3");
    assertThat(marker()).hasSize(3);
  }

  @Test
  void aFailingReloadShowsInTheStatusAndTheNextChangeTriesAgain() throws Exception {
    Path flag = dir.resolve("fail");
    Files.writeString(flag, "");
    String reload =
        "if [ -e " + flag + " ]; then echo first line; echo broken >&2; exit 3; fi; echo fine";
    ZoneWriter writer = writer(reload, clock, Duration.ofSeconds(10));

    update(writer, zone("10.200.0.1"));
    ReloadCommand.Result failed = writer.lastReload().orElseThrow();
    assertThat(failed.ok()).isFalse();
    assertThat(failed.exitCode()).isEqualTo(3);
    assertThat(failed.outputTail()).isEqualTo("first line\nbroken");
    assertThat(metrics.scrape())
        .contains("uptimemesh_agent_discovery_reloads_total{result=\"failed\"} 1.0");

    Files.delete(flag);
    update(writer, zone("10.200.0.2"));
    ReloadCommand.Result retried = writer.lastReload().orElseThrow();
    assertThat(retried.ok()).isTrue();
    assertThat(retried.exitCode()).isZero();
    assertThat(retried.outputTail()).isEqualTo("fine");
  }

  @Test
  void aHangingReloadIsKilledAfterTheTimeout() throws Exception {
    ZoneWriter writer = writer("echo started; sleep 30", clock, Duration.ofMillis(500));
    long start = System.nanoTime();
    update(writer, zone("10.200.0.1"));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    ReloadCommand.Result killed = writer.lastReload().orElseThrow();
    assertThat(killed.ok()).isFalse();
    assertThat(killed.exitCode()).isEqualTo(-1);
    assertThat(killed.outputTail()).startsWith("started").contains("killed after 500 ms");
  }

  @Test
  void noMeshAddressAndNoListenSettingIsAnErrorInTheStatusNotAFile() throws Exception {
    ZoneWriter writer =
        new ZoneWriter(
            vertx, settings(null), Optional::empty, clock, metrics, Duration.ofSeconds(10));
    update(writer, zone("10.200.0.1"));
    assertThat(writer.lastError()).hasValueSatisfying(e -> assertThat(e).contains("listen"));
    assertThat(Files.exists(dir.resolve("dns/mesh.zone"))).isFalse();
  }
}
