package io.uptimemesh.core.discovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code POST /api/v1/nodes/{id}/endpoint-health}, signed by the node: health
 * transitions of endpoints it hosts (and, after the agent starts, its first verdict on each).
 *
 * @param reports at most {@value #MAX_REPORTS}
 */
public record EndpointHealthReport(List<Report> reports) {
  public static final int MAX_REPORTS = 1000;
  public static final int MAX_DETAIL = 512;

  /**
   * One verdict.
   *
   * @param endpointId the endpoint
   * @param endpointRevision its create revision, from the discovery document
   * @param healthy the verdict
   * @param detail why (the last failure), at most {@value #MAX_DETAIL} characters; may be empty
   * @param changedAtMs when the agent reached the verdict, epoch milliseconds
   */
  public record Report(
      String endpointId, long endpointRevision, boolean healthy, String detail, long changedAtMs) {
    public Report {
      detail = detail == null ? "" : detail;
    }

    /** Cuts {@code detail} to what a report may carry. */
    public static String shorten(String detail) {
      if (detail == null) {
        return "";
      }
      return detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL - 3) + "...";
    }
  }

  public EndpointHealthReport {
    reports = List.copyOf(reports);
  }

  public byte[] toJson() {
    try {
      return Json.mapper().writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a health report", e);
    }
  }

  /**
   * Reads and checks a request body.
   *
   * @throws UptimeMeshException (invalid) naming the first bad field, e.g. {@code
   *     reports[2].endpoint_id}
   */
  public static EndpointHealthReport parse(JsonNode body) {
    if (body == null || !body.isObject() || !body.path("reports").isArray()) {
      throw UptimeMeshException.invalid("reports must be an array");
    }
    JsonNode array = body.get("reports");
    if (array.size() > MAX_REPORTS) {
      throw UptimeMeshException.invalid("reports holds at most " + MAX_REPORTS + " entries");
    }
    List<Report> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonNode r = array.get(i);
      String at = "reports[" + i + "].";
      String id = r.path("endpoint_id").isTextual() ? r.get("endpoint_id").asText() : null;
      if (id == null || !EndpointRecord.ID.matcher(id).matches()) {
        throw UptimeMeshException.invalid(at + "endpoint_id must be an endpoint id");
      }
      if (!r.path("endpoint_revision").canConvertToLong()
          || r.get("endpoint_revision").asLong() < 1) {
        throw UptimeMeshException.invalid(at + "endpoint_revision must be a positive number");
      }
      if (!r.path("healthy").isBoolean()) {
        throw UptimeMeshException.invalid(at + "healthy must be true or false");
      }
      JsonNode detail = r.path("detail");
      if (!detail.isMissingNode() && !detail.isNull() && !detail.isTextual()) {
        throw UptimeMeshException.invalid(at + "detail must be text");
      }
      if (detail.isTextual() && detail.asText().length() > MAX_DETAIL) {
        throw UptimeMeshException.invalid(
            at + "detail must be at most " + MAX_DETAIL + " characters");
      }
      if (!r.path("changed_at_ms").canConvertToLong() || r.get("changed_at_ms").asLong() < 0) {
        throw UptimeMeshException.invalid(at + "changed_at_ms must be epoch milliseconds");
      }
      out.add(
          new Report(
              id,
              r.get("endpoint_revision").asLong(),
              r.get("healthy").asBoolean(),
              detail.isTextual() ? detail.asText() : "",
              r.get("changed_at_ms").asLong()));
    }
    return new EndpointHealthReport(out);
  }

  /** Parses JSON bytes; see {@link #parse(JsonNode)}. */
  public static EndpointHealthReport parse(byte[] json) {
    try {
      return parse(Json.mapper().readTree(json));
    } catch (java.io.IOException e) {
      throw UptimeMeshException.invalid("body must be JSON: " + e.getMessage());
    }
  }
}
