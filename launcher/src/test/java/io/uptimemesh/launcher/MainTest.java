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

  private static Cli.Result capture(String... args) {
    return Cli.run(args);
  }
}
