package io.uptimemesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MainTest {

  @Test
  void versionPrintsVersionJson() throws Exception {
    String expected =
        new ObjectMapper()
            .readTree(Files.readString(Path.of("..", "version.json")))
            .get("app")
            .asText();

    Cli.Result out = capture("--version");

    assertThat(out.code()).isZero();
    assertThat(out.stdout()).startsWith("uptimemesh " + expected + " (");
  }

  @Test
  void helpListsTheServerCommand() {
    Cli.Result out = capture("--help");
    assertThat(out.code()).isZero();
    assertThat(out.stdout()).contains("server");
  }

  @Test
  void anUnknownCommandIsAUsageErrorWithANonZeroExit() {
    Cli.Result out = capture("no-such-command");
    assertThat(out.code()).isEqualTo(ExitCodes.CONFIG);
    assertThat(out.stderr()).contains("no-such-command");
  }

  @Test
  void etcdOperationsCommandsAreListedAndRestoreWithoutIdSaysWhatIsMissing() {
    assertThat(capture("--help").stdout())
        .contains(
            "etcd-status",
            "snapshot-run",
            "snapshot-list",
            "snapshot-download",
            "snapshot-restore",
            "util");
    assertThat(capture("util", "--help").stdout()).contains("compact", "check");
    Cli.Result noId = capture("snapshot-restore", "--yes", "--api-url", "http://127.0.0.1:1");
    assertThat(noId.code()).isEqualTo(1);
    assertThat(noId.stderr()).contains("name the snapshot ID");
    Cli.Result needsLocal = capture("snapshot-restore", "x", "--data-dir", "/tmp/x");
    assertThat(needsLocal.code()).isEqualTo(1);
    assertThat(needsLocal.stderr()).contains("need --local");
  }

  private static Cli.Result capture(String... args) {
    return Cli.run(args);
  }
}
