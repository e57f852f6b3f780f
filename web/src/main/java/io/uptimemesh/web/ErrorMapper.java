package io.uptimemesh.web;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.handler.HttpException;

/**
 * The one mapping from anything that went wrong to the status and JSON body the client sees. Client
 * mistakes keep their message; our own failures get a generic one (the details go to the log with
 * the request id, never to the client).
 */
public final class ErrorMapper {
  private ErrorMapper() {}

  /** The status, code and message to answer for {@code failure} (and a status set by Vert.x). */
  public record Mapped(ErrorCode code, String message) {}

  public static Mapped map(Throwable failure, int statusCode) {
    if (failure instanceof UptimeMeshException e) {
      return new Mapped(e.errorCode(), publicMessage(e.errorCode(), e.getMessage()));
    }
    if (failure instanceof DecodeException) {
      return new Mapped(ErrorCode.INVALID_REQUEST, "request body is not valid JSON");
    }
    if (failure instanceof HttpException e) {
      return fromStatus(e.getStatusCode(), e.getPayload());
    }
    if (failure == null && statusCode > 0) {
      return fromStatus(statusCode, null);
    }
    return new Mapped(ErrorCode.INTERNAL, publicMessage(ErrorCode.INTERNAL, null));
  }

  private static Mapped fromStatus(int status, String payload) {
    ErrorCode code =
        switch (status) {
          case 400 -> ErrorCode.INVALID_REQUEST;
          case 401 -> ErrorCode.UNAUTHORIZED;
          case 403 -> ErrorCode.FORBIDDEN;
          case 404 -> ErrorCode.NOT_FOUND;
          case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
          case 412 -> ErrorCode.PRECONDITION_FAILED;
          case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
          case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
          case 429 -> ErrorCode.TOO_MANY_REQUESTS;
          case 503 -> ErrorCode.UNAVAILABLE;
          default -> status >= 400 && status < 500 ? ErrorCode.INVALID_REQUEST : ErrorCode.INTERNAL;
        };
    return new Mapped(code, publicMessage(code, payload));
  }

  private static String publicMessage(ErrorCode code, String message) {
    if (code == ErrorCode.INTERNAL) {
      return "internal error; see the server log for this request id";
    }
    if (message != null && !message.isBlank()) {
      return message;
    }
    return switch (code) {
      case NOT_FOUND -> "no such resource";
      case METHOD_NOT_ALLOWED -> "method not allowed on this resource";
      case PAYLOAD_TOO_LARGE -> "request body too large";
      case UNSUPPORTED_MEDIA_TYPE -> "unsupported content type";
      case TOO_MANY_REQUESTS -> "too many requests";
      default -> code.code().replace('_', ' ');
    };
  }
}
