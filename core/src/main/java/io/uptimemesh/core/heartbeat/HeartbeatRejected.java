package io.uptimemesh.core.heartbeat;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import java.util.Objects;

/** A refused heartbeat: a 401 that also says why, for the API's {@code reason} field. */
public final class HeartbeatRejected extends UptimeMeshException {
  private static final long serialVersionUID = 1L;

  private final RejectReason reason;

  /**
   * Creates the exception.
   *
   * @param reason why the heartbeat was refused
   * @param message for the user; never contains the body or a signature
   */
  public HeartbeatRejected(RejectReason reason, String message) {
    super(ErrorCode.UNAUTHORIZED, message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * Why the heartbeat was refused.
   *
   * @return the reason
   */
  public RejectReason reason() {
    return reason;
  }
}
