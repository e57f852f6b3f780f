package io.uptimemesh.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The answer to a node's report (endpoint health, replica statuses): how many entries came, how
 * many were written (the others were no change), and which were ignored and why.
 *
 * @param ignored entries about things that are gone or not the node's
 */
public record NodeReportOutcome(int accepted, int written, List<Ignored> ignored) {
  /**
   * @param id what the entry was about (an endpoint id, a replica id)
   */
  public record Ignored(String id, String reason) {}

  public NodeReportOutcome {
    ignored = List.copyOf(ignored);
  }

  /**
   * The response body: {@code {"accepted","written","ignored":[{<idField>,"reason"}]}}.
   *
   * @param idField the name of an ignored entry's id, e.g. {@code endpoint_id}
   */
  public JsonObject toJson(String idField) {
    JsonArray list = new JsonArray();
    ignored.forEach(i -> list.add(new JsonObject().put(idField, i.id()).put("reason", i.reason())));
    return new JsonObject().put("accepted", accepted).put("written", written).put("ignored", list);
  }
}
