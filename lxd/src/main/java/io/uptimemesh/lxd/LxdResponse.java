package io.uptimemesh.lxd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * LXD's answer envelope: {@code {"type": "sync"|"async"|"error", "status_code", "error_code",
 * "error", "operation", "metadata"}}.
 *
 * @param type sync, async or error
 * @param httpStatus the HTTP status of the answer
 * @param errorCode LXD's {@code error_code} (an HTTP status) for errors, else 0
 * @param error LXD's error text, empty unless an error
 * @param operation the operation's path ({@code /1.0/operations/ID}) for async answers, else empty
 * @param metadata the payload ({@link NullNode} when absent)
 */
public record LxdResponse(
    Type type, int httpStatus, int errorCode, String error, String operation, JsonNode metadata) {
  public enum Type {
    SYNC,
    ASYNC,
    ERROR
  }

  public boolean isError() {
    return type == Type.ERROR || httpStatus >= 400;
  }
}
