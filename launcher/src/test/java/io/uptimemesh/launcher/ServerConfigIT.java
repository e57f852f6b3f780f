package io.uptimemesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** How the real process treats config.yaml and .env, as an operator meets it. */
@Timeout(120)
class ServerConfigIT {
  @TempDir Path dir;

  @Test
  void createsAMissingConfigAndHealsADeletedKeyKeepingTheRest() throws Exception {
    // A user value and an unknown key; everything else missing.
    try (ServerProcess server =
        new ServerProcess(dir)
            .withFreeEtcdPorts("  crash_window_seconds: 1234\nmy_notes:\n  owner: ops-team\n")) {
      server.start();
      server.awaitReady(Duration.ofSeconds(20));
      server.sigterm();
      server.awaitExit(Duration.ofSeconds(10));

      String healed = server.config();
      assertThat(healed)
          .contains("# cluster:")
          .contains("mesh_cidr: 10.42.0.0/16")
          .contains("crash_window_seconds: 1234")
          .contains("owner: ops-team")
          .contains("stale_after_ms: 1500");
    }
  }

  @Test
  void anInvalidValueStopsTheStartNamingFileAndKeyAndChangesNothing() throws Exception {
    try (ServerProcess server = new ServerProcess(dir)) {
      String bad = "managed_etcd:\n  client_port: 70000\n";
      server.writeConfig(bad);
      server.start();

      int code = server.awaitExit(Duration.ofSeconds(20));

      assertThat(code).isEqualTo(ExitCodes.CONFIG);
      assertThat(server.output())
          .contains("config.yaml")
          .contains("managed_etcd.client_port")
          .contains("70000");
      assertThat(server.config()).isEqualTo(bad);
      assertThat(server.descendantsSeen()).isEmpty();
      assertThat(dir.resolve("data/etcd")).doesNotExist();
    }
  }

  @Test
  void prodRefusesDefaultSecretsWithoutPrintingThem() throws Exception {
    try (ServerProcess server = new ServerProcess(dir).env("APP_ENV", "prod")) {
      Files.writeString(dir.resolve(".env"), "AUTH_SECRET_KEY=hunter2hunter2\n");
      server.start();

      int code = server.awaitExit(Duration.ofSeconds(20));

      assertThat(code).isEqualTo(ExitCodes.CONFIG);
      assertThat(server.output()).contains("AUTH_SECRET_KEY").doesNotContain("hunter2");
    }
  }
}
