package io.uptimemesh.etcd;

import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Classifies etcd failures by their gRPC status code (never by message text) and maps them to
 * {@link UptimeMeshException}s the API answers with.
 */
public final class EtcdErrors {
  /** Codes for which a retry may succeed: the request may not have reached etcd at all. */
  private static final Set<Status.Code> RETRYABLE =
      EnumSet.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED, Status.Code.UNKNOWN);

  /** Codes that mean etcd cannot serve us right now (a 503, not our bug). */
  private static final Set<Status.Code> UNAVAILABLE =
      EnumSet.of(
          Status.Code.UNAVAILABLE,
          Status.Code.DEADLINE_EXCEEDED,
          Status.Code.UNKNOWN,
          Status.Code.CANCELLED,
          Status.Code.RESOURCE_EXHAUSTED,
          Status.Code.ABORTED);

  private EtcdErrors() {}

  /** The gRPC code behind {@code failure}; our own deadlines count as DEADLINE_EXCEEDED. */
  public static Status.Code code(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof TimeoutException) {
      return Status.Code.DEADLINE_EXCEEDED;
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof EtcdException e) {
        return Status.Code.valueOf(e.getErrorCode().name());
      }
      if (c instanceof TimeoutException) {
        return Status.Code.DEADLINE_EXCEEDED;
      }
      Status status = Status.fromThrowable(c);
      if (status.getCode() != Status.Code.UNKNOWN) {
        return status.getCode();
      }
    }
    return Status.Code.UNKNOWN;
  }

  /** True if an idempotent call that failed this way may be retried. */
  public static boolean isRetryable(Throwable failure) {
    return RETRYABLE.contains(code(failure));
  }

  /**
   * Maps {@code failure} of the call described by {@code what} to the exception the API reports. An
   * {@link UptimeMeshException} passes through unchanged.
   */
  public static UptimeMeshException toApiError(String what, Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof UptimeMeshException e) {
      return e;
    }
    Status.Code code = code(t);
    if (UNAVAILABLE.contains(code)) {
      return UptimeMeshException.etcdUnavailable(
          "etcd did not answer " + what + " (" + code + ")", t);
    }
    return new UptimeMeshException(
        ErrorCode.INTERNAL, "etcd refused " + what + " (" + code + ")", t);
  }

  static Throwable unwrap(Throwable t) {
    Throwable cur = t;
    while ((cur instanceof CompletionException || cur instanceof ExecutionException)
        && cur.getCause() != null) {
      cur = cur.getCause();
    }
    if (cur instanceof CancellationException) {
      return new TimeoutException("call cancelled");
    }
    return cur;
  }
}
