package io.uptimemesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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

    Captured out = capture("--version");

    assertThat(out.code).isZero();
    assertThat(out.stdout).startsWith("uptimemesh " + expected + " (");
  }

  @Test
  void helpListsTheServerCommand() {
    Captured out = capture("--help");
    assertThat(out.code).isZero();
    assertThat(out.stdout).contains("server");
  }

  @Test
  void anUnknownCommandIsAUsageErrorWithANonZeroExit() {
    Captured out = capture("no-such-command");
    assertThat(out.code).isEqualTo(ExitCodes.CONFIG);
    assertThat(out.stderr).contains("no-such-command");
  }

  private record Captured(int code, String stdout, String stderr) {}

  private static Captured capture(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Captured(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }
}
