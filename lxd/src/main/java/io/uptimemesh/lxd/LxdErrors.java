package io.uptimemesh.lxd;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Turns LXD's answers into {@link UptimeMeshException}s that name the operation and its target.
 *
 * <p>LXD reports the same kind of failure in two ways: synchronously, with an HTTP status in {@code
 * error_code} (404 for a missing instance or image alias, 409 for an existing project), or as a
 * failed asynchronous operation whose status code is always 400 and whose only hint is the text (a
 * duplicate instance name fails inside the create operation with "...entry already exists"). So the
 * text is read as well as the code.
 */
public final class LxdErrors {
  private LxdErrors() {}

  /** An error envelope ({@code type: error}) or a non-2xx answer. */
  public static UptimeMeshException fromResponse(LxdAction action, int code, String message) {
    return new UptimeMeshException(classify(code, message), text(action, message));
  }

  /** An asynchronous operation that ended in {@code Failure} or {@code Cancelled}. */
  public static UptimeMeshException fromOperation(LxdAction action, String status, String err) {
    String message = err == null || err.isBlank() ? "operation " + status : err;
    // Operations carry status code 400 for every failure, so only the text tells the kind.
    ErrorCode byText = byText(message);
    return new UptimeMeshException(
        byText == null ? ErrorCode.INTERNAL : byText, text(action, message));
  }

  /** The operation was still running when its deadline passed. */
  public static UptimeMeshException timedOut(LxdAction action, Duration waited) {
    return new UptimeMeshException(
        ErrorCode.UNAVAILABLE,
        "LXD: "
            + action.describe()
            + " did not finish within "
            + waited.toMillis()
            + " ms (it may still complete)");
  }

  /** The socket could not be reached or the exchange broke off. */
  public static UptimeMeshException unreachable(LxdAction action, Path socket, Throwable cause) {
    return new UptimeMeshException(
        ErrorCode.UNAVAILABLE,
        "LXD at "
            + socket
            + " did not answer for "
            + action.describe()
            + ": "
            + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()),
        cause);
  }

  /** LXD answered something that is not its JSON envelope. */
  public static UptimeMeshException malformed(LxdAction action, String why) {
    return new UptimeMeshException(
        ErrorCode.INTERNAL, "LXD: unexpected answer for " + action.describe() + ": " + why);
  }

  static ErrorCode classify(int code, String message) {
    ErrorCode byText = byText(message);
    if (byText != null) {
      return byText;
    }
    if (code == 404) {
      return ErrorCode.NOT_FOUND;
    }
    if (code == 409) {
      return ErrorCode.CONFLICT;
    }
    if (code == 403 || code == 401) {
      return ErrorCode.FORBIDDEN;
    }
    if (code == 400) {
      // LXD refuses a request it cannot accept (a bad config key, an invalid device): the spec
      // came from the user, so it is their mistake to fix, not our failure.
      return ErrorCode.INVALID_REQUEST;
    }
    if (code == 412) {
      return ErrorCode.PRECONDITION_FAILED;
    }
    if (code == 503 || code == 502 || code == 504) {
      return ErrorCode.UNAVAILABLE;
    }
    return ErrorCode.INTERNAL;
  }

  private static ErrorCode byText(String message) {
    if (message == null) {
      return null;
    }
    String m = message.toLowerCase(Locale.ROOT);
    if (m.contains("not found") || m.contains("does not exist")) {
      return ErrorCode.NOT_FOUND;
    }
    if (m.contains("already exists")
        || m.contains("already running")
        || m.contains("already stopped")
        || m.contains("is running")
        || m.contains("is not running")
        || m.contains("is busy")
        || m.contains("in use")
        // Two projects on one bridge: Instance DNS name "web-1" already used on network.
        || m.contains("already used")
        || m.contains("only empty")) {
      return ErrorCode.CONFLICT;
    }
    return null;
  }

  private static String text(LxdAction action, String message) {
    return "LXD: " + action.describe() + " failed: " + message;
  }
}
