package io.uptimemesh.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command runner the backend uses, with real processes. */
class WgCommandRunnerIT {

  @Test
  void feedsStdinAndCollectsOutput() {
    CommandRunner.Result result =
        CommandRunner.direct().runWithInput("hello\n", "sh", "-c", "cat; echo oops >&2");

    assertThat(result.ok()).isTrue();
    assertThat(result.stdout()).isEqualTo("hello\n");
    assertThat(result.stderr()).isEqualTo("oops\n");
  }

  @Test
  void aFailedCommandNamesItselfItsExitCodeAndItsError() {
    assertThatThrownBy(
            () -> CommandRunner.direct().run("sh", "-c", "echo no such thing >&2; exit 3"))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("sh -c")
        .hasMessageContaining("exit code 3")
        .hasMessageContaining("no such thing");
    assertThat(CommandRunner.direct().exec(null, "sh", "-c", "exit 4").exitCode()).isEqualTo(4);
  }

  @Test
  void aProgramThatCannotStartIsAnError() {
    assertThatThrownBy(() -> CommandRunner.direct().run("um-no-such-program-here"))
        .isInstanceOf(UptimeMeshException.class)
        .extracting(e -> ((UptimeMeshException) e).errorCode())
        .isEqualTo(ErrorCode.INTERNAL);
  }

  @Test
  void aCommandOverItsDeadlineIsKilled() {
    CommandRunner quick = new CommandRunner(List.of(), Duration.ofMillis(300));
    long start = System.nanoTime();

    assertThatThrownBy(() -> quick.run("sleep", "30"))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("did not finish within 300 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aPrefixRunsInFrontOfEveryCommand() {
    CommandRunner prefixed =
        new CommandRunner(List.of("env", "UM_PREFIXED=yes"), Duration.ofSeconds(5));

    assertThat(prefixed.run("sh", "-c", "echo $UM_PREFIXED").stdout()).isEqualTo("yes\n");
  }

  @Test
  void aDaemonStarterRunsWithoutTheVariablesThatWouldTieItsDaemonToOurPipes() {
    CommandRunner runner =
        new CommandRunner(
            List.of(), Duration.ofSeconds(5), Map.of("LOG_LEVEL", "INFO", "UM_KEPT", "kept"));

    assertThat(runner.run("sh", "-c", "echo ${LOG_LEVEL:-unset}").stdout()).isEqualTo("INFO\n");
    assertThat(runner.runDaemonizing("sh", "-c", "echo ${LOG_LEVEL:-unset} $UM_KEPT").stdout())
        .isEqualTo("unset kept\n");
  }
}
