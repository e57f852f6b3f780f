package io.uptimemesh.core.error;

/**
 * The one exception type services throw or fail futures with. It carries an {@link ErrorCode}, so
 * the HTTP layer, the CLI and tests map it without knowing where it came from. The message is meant
 * for the user: it names the problem and never contains a secret.
 */
public class UptimeMeshException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode errorCode;

  public UptimeMeshException(ErrorCode errorCode, String message) {
    super(message);
    this.errorCode = errorCode;
  }

  public UptimeMeshException(ErrorCode errorCode, String message, Throwable cause) {
    super(message, cause);
    this.errorCode = errorCode;
  }

  public ErrorCode errorCode() {
    return errorCode;
  }

  public static UptimeMeshException invalid(String message) {
    return new UptimeMeshException(ErrorCode.INVALID_REQUEST, message);
  }

  public static UptimeMeshException notFound(String message) {
    return new UptimeMeshException(ErrorCode.NOT_FOUND, message);
  }

  public static UptimeMeshException conflict(String message) {
    return new UptimeMeshException(ErrorCode.CONFLICT, message);
  }

  public static UptimeMeshException etcdUnavailable(String message, Throwable cause) {
    return new UptimeMeshException(ErrorCode.ETCD_UNAVAILABLE, message, cause);
  }
}
