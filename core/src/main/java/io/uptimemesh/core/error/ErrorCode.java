package io.uptimemesh.core.error;

/**
 * Every error the API can answer with: a stable machine-readable code and the HTTP status that goes
 * with it. Client mistakes are 4xx; only our own failures are 5xx.
 */
public enum ErrorCode {
  INVALID_REQUEST(400, "invalid_request"),
  UNAUTHORIZED(401, "unauthorized"),
  FORBIDDEN(403, "forbidden"),
  NOT_FOUND(404, "not_found"),
  METHOD_NOT_ALLOWED(405, "method_not_allowed"),
  CONFLICT(409, "conflict"),
  PRECONDITION_FAILED(412, "precondition_failed"),
  PAYLOAD_TOO_LARGE(413, "payload_too_large"),
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
  IDEMPOTENCY_KEY_REUSED(422, "idempotency_key_reused"),
  TOO_MANY_REQUESTS(429, "too_many_requests"),
  INTERNAL(500, "internal_error"),
  ETCD_UNAVAILABLE(503, "etcd_unavailable"),
  UNAVAILABLE(503, "unavailable");

  private final int httpStatus;
  private final String code;

  ErrorCode(int httpStatus, String code) {
    this.httpStatus = httpStatus;
    this.code = code;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** The value of the {@code error} field in JSON error bodies. */
  public String code() {
    return code;
  }

  /** True for errors caused by the caller (4xx), which are not logged as our failures. */
  public boolean isClientError() {
    return httpStatus >= 400 && httpStatus < 500;
  }
}
