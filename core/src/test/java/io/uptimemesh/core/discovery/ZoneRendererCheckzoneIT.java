package io.uptimemesh.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads rendered zones with BIND's own checker, an implementation independent of ours and of
 * dnsjava. named-checkzone exits non-zero on any error (bad owner names, CNAME/other data clashes,
 * NS without address, serial syntax) and, with -i full, checks that SRV targets have addresses.
 */
class ZoneRendererCheckzoneIT {
  private static final String DOMAIN = "mesh.local";

  private static Path checkzone;

  @TempDir Path dir;

  @BeforeAll
  static void requireNamedCheckzone() {
    checkzone = executable("named-checkzone");
    assertThat(checkzone)
        .as(
            "named-checkzone is missing: install the Debian package bind9-utils"
                + " (scripts/deps.sh um_install_test_deps does)")
        .isNotNull();
  }

  @Test
  void smallClusterZoneLoads() throws Exception {
    assertLoads(
        ZoneRenderer.render(
            DOMAIN,
            10,
            1,
            List.of(new DiscoveryNode("n1", "core-1", "10.42.0.1")),
            List.of(new HealthyEndpoint("web", "n1", "10.42.0.1", 80, "tcp", "http")),
            List.of()),
        "1");
  }

  @Test
  void oddNamesIpv6AndBadInputZoneLoads() throws Exception {
    assertLoads(
        ZoneRenderer.render(
            DOMAIN,
            10,
            ZoneSerial.MAX,
            ZoneFixtures.oddNodes(),
            ZoneFixtures.oddEndpoints(),
            List.of("10.42.0.1", "fd00::53")),
        "4294967295");
  }

  @Test
  void zoneWithoutServicesLoads() throws Exception {
    assertLoads(
        ZoneRenderer.render(
            DOMAIN, 10, 5, List.of(new DiscoveryNode("n1", "a", "10.0.0.1")), List.of(), List.of()),
        "5");
  }

  @Test
  void thousandEndpointZoneLoads() throws Exception {
    String text =
        ZoneRenderer.render(
            DOMAIN,
            30,
            ZoneSerial.next(-1, java.time.Instant.now()),
            ZoneFixtures.manyNodes(),
            ZoneFixtures.manyEndpoints(),
            List.of());
    String output = assertLoads(text, null);
    assertThat(output).contains("loaded serial");
  }

  @Test
  void checkerRejectsABrokenZoneSoTheTestsAboveMeanSomething() throws Exception {
    String broken =
        ZoneRenderer.render(
                DOMAIN,
                10,
                1,
                List.of(new DiscoveryNode("n1", "core-1", "10.42.0.1")),
                List.of(new HealthyEndpoint("web", "n1", "10.42.0.1", 80, "tcp", "http")),
                List.of())
            .replace("core-1.web.svc IN A 10.42.0.1\n", "");
    // named-checkzone only warns about an SRV target without addresses (exit 0), so the tests
    // above also require that it printed nothing but the load line and OK.
    Result warned = check(broken);
    assertThat(warned.output()).contains("has no address records");
    assertThat(warned.clean()).isFalse();

    Result failed = check(broken.replace("ns1 IN A 10.42.0.1\n", ""));
    assertThat(failed.exitCode()).as(failed.output()).isNotZero();
  }

  private String assertLoads(String zone, String serial) throws Exception {
    Result result = check(zone);
    assertThat(result.exitCode()).as("named-checkzone output:%n%s", result.output()).isZero();
    assertThat(result.clean()).as("named-checkzone warned:%n%s", result.output()).isTrue();
    if (serial != null) {
      assertThat(result.output()).contains("loaded serial " + serial);
    }
    return result.output();
  }

  private Result check(String zone) throws IOException, InterruptedException {
    Path file = dir.resolve("zone-" + System.nanoTime());
    Files.writeString(file, zone, StandardCharsets.US_ASCII);
    // -k fail: bad owner names are errors; -i full: integrity incl. SRV targets with addresses;
    // -S fail / -M fail: SRV or MX pointing at a CNAME is an error, not a warning.
    Process process =
        new ProcessBuilder(
                checkzone.toString(),
                "-k",
                "fail",
                "-i",
                "full",
                "-S",
                "fail",
                "-M",
                "fail",
                "-n",
                "fail",
                DOMAIN,
                file.toString())
            .redirectErrorStream(true)
            .start();
    byte[] output = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("named-checkzone finished").isTrue();
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }

  private static Path executable(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin")) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private record Result(int exitCode, String output) {
    /** Nothing but "zone mesh.local/IN: loaded serial N" and "OK": no warnings. */
    boolean clean() {
      return output
          .lines()
          .allMatch(l -> l.equals("OK") || l.matches("zone mesh\\.local/IN: loaded serial [0-9]+"));
    }
  }
}
