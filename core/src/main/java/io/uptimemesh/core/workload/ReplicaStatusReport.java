package io.uptimemesh.core.workload;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.error.UptimeMeshException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /api/v1/nodes/{id}/replica-status}, signed by the node: the statuses of
 * replicas it runs that changed ({@code {"statuses":[ReplicaStatus…]}}, the JSON of {@link
 * ReplicaStatus}).
 *
 * @param statuses at most {@value #MAX_STATUSES}
 */
public record ReplicaStatusReport(List<ReplicaStatus> statuses) {
  public static final int MAX_STATUSES = 1000;
  public static final int MAX_ERROR = 512;
  public static final Set<String> STATES =
      Set.of("pending", "creating", "running", "stopped", "failed");

  private static final Pattern REPLICA_ID = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?");
  private static final Pattern SNAPSHOT = Pattern.compile("[A-Za-z0-9._-]{1,63}");

  public ReplicaStatusReport {
    statuses = List.copyOf(statuses);
  }

  /** Cuts an error text to what a status may carry. */
  public static String shorten(String error) {
    if (error == null) {
      return "";
    }
    return error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR - 3) + "...";
  }

  /**
   * Reads and checks a request body.
   *
   * @param nodeId the node that signed it: a status naming another node is refused
   * @throws UptimeMeshException (invalid) naming the first bad field, e.g. {@code
   *     statuses[2].state}
   */
  public static ReplicaStatusReport parse(JsonNode body, String nodeId) {
    if (body == null || !body.isObject() || !body.path("statuses").isArray()) {
      throw UptimeMeshException.invalid("statuses must be an array");
    }
    JsonNode array = body.get("statuses");
    if (array.size() > MAX_STATUSES) {
      throw UptimeMeshException.invalid("statuses holds at most " + MAX_STATUSES + " entries");
    }
    List<ReplicaStatus> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonNode s = array.get(i);
      String at = "statuses[" + i + "].";
      if (!s.isObject()) {
        throw UptimeMeshException.invalid("statuses[" + i + "] must be an object");
      }
      String id = text(s, "replica_id");
      if (id == null || !REPLICA_ID.matcher(id).matches()) {
        throw UptimeMeshException.invalid(at + "replica_id must be a replica id");
      }
      String node = text(s, "node_id");
      if (node != null && !node.equals(nodeId)) {
        throw UptimeMeshException.invalid(at + "node_id must be the reporting node " + nodeId);
      }
      String state = text(s, "state");
      if (state == null || !STATES.contains(state)) {
        throw UptimeMeshException.invalid(
            at + "state must be one of pending, creating, running, stopped, failed");
      }
      long generation = number(s, at, "generation");
      List<String> snapshots = new ArrayList<>();
      JsonNode snaps = s.path("snapshots");
      if (!snaps.isMissingNode() && !snaps.isNull()) {
        if (!snaps.isArray() || snaps.size() > 1000) {
          throw UptimeMeshException.invalid(at + "snapshots must be a list of snapshot names");
        }
        for (JsonNode n : snaps) {
          if (!n.isTextual() || !SNAPSHOT.matcher(n.asText()).matches()) {
            throw UptimeMeshException.invalid(at + "snapshots must be a list of snapshot names");
          }
          snapshots.add(n.asText());
        }
      }
      String error = optionalText(s, at, "error");
      String commandError = optionalText(s, at, "command_error");
      out.add(
          new ReplicaStatus(
              ReplicaStatus.SCHEMA,
              id,
              nodeId,
              state,
              generation,
              snapshots,
              error,
              number(s, at, "updated_at_ms"),
              number(s, at, "command_seq"),
              commandError));
    }
    return new ReplicaStatusReport(out);
  }

  private static String text(JsonNode s, String field) {
    return s.path(field).isTextual() ? s.get(field).asText() : null;
  }

  private static String optionalText(JsonNode s, String at, String field) {
    JsonNode n = s.path(field);
    if (n.isMissingNode() || n.isNull()) {
      return "";
    }
    if (!n.isTextual() || n.asText().length() > MAX_ERROR) {
      throw UptimeMeshException.invalid(
          at + field + " must be text of at most " + MAX_ERROR + " characters");
    }
    return n.asText();
  }

  /** A number ≥ 0; missing counts as 0. */
  private static long number(JsonNode s, String at, String field) {
    JsonNode n = s.path(field);
    if (n.isMissingNode() || n.isNull()) {
      return 0;
    }
    if (!n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < 0) {
      throw UptimeMeshException.invalid(at + field + " must be a number >= 0");
    }
    return n.asLong();
  }
}
