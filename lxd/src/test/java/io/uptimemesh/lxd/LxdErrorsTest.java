package io.uptimemesh.lxd;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** LXD's error texts (as LXD 5.0.2 words them) map to our codes and name what failed. */
class LxdErrorsTest {
  private static final LxdAction START = LxdAction.onContainer("start", "web-1", "tenant-a");

  @Test
  void missingThingsAreNotFound() {
    assertCode(LxdErrors.fromResponse(START, 404, "Instance not found"), ErrorCode.NOT_FOUND);
    assertCode(LxdErrors.fromResponse(START, 404, "Image alias not found"), ErrorCode.NOT_FOUND);
    assertCode(
        LxdErrors.fromResponse(START, 404, "Fetch project \"p1\": Project not found"),
        ErrorCode.NOT_FOUND);
    // A failed operation always says 400; the text decides.
    assertCode(
        LxdErrors.fromOperation(START, "Failure", "Snapshot dup/s1 does not exist"),
        ErrorCode.NOT_FOUND);
  }

  @Test
  void existingNamesAndWrongStatesAreConflicts() {
    assertCode(
        LxdErrors.fromOperation(
            START,
            "Failure",
            "Failed creating instance record: Add instance info to the database: This \"instances\""
                + " entry already exists"),
        ErrorCode.CONFLICT);
    assertCode(
        LxdErrors.fromOperation(START, "Failure", "The instance is already stopped"),
        ErrorCode.CONFLICT);
    assertCode(
        LxdErrors.fromOperation(START, "Failure", "The instance is already running"),
        ErrorCode.CONFLICT);
    assertCode(LxdErrors.fromResponse(START, 400, "Instance is running"), ErrorCode.CONFLICT);
    assertCode(
        LxdErrors.fromOperation(
            START,
            "Failure",
            "Failed start validation for device \"eth0\": Instance DNS name \"web-1\" already used"
                + " on network"),
        ErrorCode.CONFLICT);
    assertCode(
        LxdErrors.fromResponse(START, 400, "Only empty projects can be removed"),
        ErrorCode.CONFLICT);
    assertCode(
        LxdErrors.fromResponse(
            START,
            409,
            "Failed creating project \"p1\": Failed adding database record: This \"projects\" entry"
                + " already exists"),
        ErrorCode.CONFLICT);
  }

  @Test
  void whatLxdRefusesAsInvalidIsTheCallersMistake() {
    assertCode(
        LxdErrors.fromResponse(
            START,
            400,
            "Invalid instance name: Name can only contain alphanumeric and hyphen characters"),
        ErrorCode.INVALID_REQUEST);
    assertCode(LxdErrors.fromResponse(START, 403, "not authorized"), ErrorCode.FORBIDDEN);
  }

  @Test
  void unknownFailuresAreOursAndAnUnresponsiveDaemonIsUnavailable() {
    assertCode(
        LxdErrors.fromOperation(START, "Failure", "Failed to run: forkstart: exit status 1"),
        ErrorCode.INTERNAL);
    assertCode(LxdErrors.fromOperation(START, "Cancelled", ""), ErrorCode.INTERNAL);
    assertCode(LxdErrors.fromResponse(START, 500, "boom"), ErrorCode.INTERNAL);
    assertCode(LxdErrors.fromResponse(START, 503, "shutting down"), ErrorCode.UNAVAILABLE);
    assertCode(LxdErrors.timedOut(START, Duration.ofSeconds(3)), ErrorCode.UNAVAILABLE);
    assertCode(
        LxdErrors.unreachable(START, Path.of("/x/unix.socket"), new IOException("refused")),
        ErrorCode.UNAVAILABLE);
  }

  @Test
  void messagesNameTheOperationTheContainerAndTheProject() {
    assertThat(LxdErrors.fromResponse(START, 404, "Instance not found"))
        .hasMessage(
            "LXD: start of container 'web-1' in LXD project 'tenant-a' failed: Instance not found");
    assertThat(LxdErrors.timedOut(START, Duration.ofMillis(2500)))
        .hasMessageContaining("start of container 'web-1'")
        .hasMessageContaining("2500 ms");
    assertThat(LxdErrors.unreachable(START, Path.of("/x/unix.socket"), new IOException("refused")))
        .hasMessageContaining("/x/unix.socket")
        .hasMessageContaining("refused");
    assertThat(LxdErrors.fromOperation(START, "Cancelled", ""))
        .hasMessageEndingWith("operation Cancelled");
    // The default project is not mentioned; a detail is.
    assertThat(
            LxdAction.onContainer("create", "a", "default")
                .with("from image alias 'busybox'")
                .describe())
        .isEqualTo("create of container 'a' (from image alias 'busybox')");
  }

  private static void assertCode(UptimeMeshException e, ErrorCode code) {
    assertThat(e.errorCode()).as(e.getMessage()).isEqualTo(code);
  }
}
