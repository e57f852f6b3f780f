package io.uptimemesh.lxd;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;

/**
 * Waits on LXD's asynchronous operations with {@code GET /1.0/operations/ID/wait?timeout=N}, in
 * slices of at most {@link #SLICE_SECONDS}, until the operation ends or the caller's deadline
 * passes. LXD answers a wait that times out with the operation still {@code Running}; the next
 * slice then asks again. A failed or cancelled operation fails the future with its error text
 * mapped by {@link LxdErrors}.
 */
final class LxdOperations {
  static final int SLICE_SECONDS = 30;

  private final LxdTransport transport;

  LxdOperations(LxdTransport transport) {
    this.transport = transport;
  }

  /** Waits for the operation an async answer names; a sync answer is returned as it is. */
  Future<LxdJson.Operation> await(LxdAction action, LxdResponse response, Duration timeout) {
    if (response.type() != LxdResponse.Type.ASYNC) {
      return Future.succeededFuture(
          new LxdJson.Operation("", "Success", 200, "", response.metadata()));
    }
    if (response.operation().isEmpty()) {
      return Future.failedFuture(LxdErrors.malformed(action, "async answer without an operation"));
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    return poll(action, response.operation(), deadline, timeout);
  }

  private Future<LxdJson.Operation> poll(
      LxdAction action, String operationPath, long deadline, Duration timeout) {
    long remainingNanos = deadline - System.nanoTime();
    if (remainingNanos <= 0) {
      return Future.failedFuture(LxdErrors.timedOut(action, timeout));
    }
    // Whole seconds only; at least one so that a short remainder still waits instead of spinning.
    long slice =
        Math.max(1, Math.min(SLICE_SECONDS, (remainingNanos + 999_999_999L) / 1_000_000_000L));
    String uri =
        LxdUris.withProject(
            operationPath + "/wait?timeout=" + slice, transport.options().project());
    Duration idle = Duration.ofSeconds(slice).plus(transport.options().requestTimeout());
    return transport
        .call(action, HttpMethod.GET, uri, null, idle)
        // LXD forgets finished operations after a few seconds: a wait that comes later finds
        // nothing, and "not found" would be read as the container missing.
        .recover(
            err ->
                Future.failedFuture(
                    err instanceof UptimeMeshException e && e.errorCode() == ErrorCode.NOT_FOUND
                        ? new UptimeMeshException(
                            ErrorCode.UNAVAILABLE,
                            "LXD: "
                                + action.describe()
                                + ": its operation "
                                + operationPath
                                + " was gone before it was waited on; the outcome is unknown",
                            err)
                        : err))
        .compose(
            r -> {
              LxdJson.Operation op = LxdJson.operation(r.metadata());
              if (op.isRunning()) {
                return poll(action, operationPath, deadline, timeout);
              }
              if (op.succeeded()) {
                return Future.succeededFuture(op);
              }
              return Future.failedFuture(LxdErrors.fromOperation(action, op.status(), op.err()));
            });
  }
}
