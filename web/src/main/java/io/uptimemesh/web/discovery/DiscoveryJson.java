package io.uptimemesh.web.discovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.uptimemesh.core.discovery.EndpointState;
import io.uptimemesh.core.discovery.ServiceRecord;
import io.uptimemesh.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The JSON shapes of services and endpoints in API answers, in one place. */
final class DiscoveryJson {
  private DiscoveryJson() {}

  /** A record's stored fields as JSON (snake_case, as etcd holds it). */
  static JsonObject of(Object record) {
    try {
      return new JsonObject(Json.mapper().writeValueAsString(record));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + record.getClass().getSimpleName(), e);
    }
  }

  /**
   * A service with its counts: {@code name, description, created_at_ms, created_by, revision
   * (create revision), mod_revision (its ETag, for If-Match), endpoints, healthy, generation,
   * workload} ({@code workload} null for a discovery-only service).
   */
  static JsonObject service(
      ServiceRecord record,
      long revision,
      long modRevision,
      List<DiscoveryView.EndpointEntry> endpoints) {
    return new JsonObject()
        .put("name", record.name())
        .put("description", record.description())
        .put("created_at_ms", record.createdAtMs())
        .put("created_by", record.createdBy())
        .put("revision", revision)
        .put("mod_revision", modRevision)
        .put("endpoints", endpoints.size())
        .put("healthy", endpoints.stream().filter(e -> e.state().published()).count())
        .put("generation", record.generation())
        .put(
            "workload",
            record.workload() == null
                ? null
                : io.uptimemesh.web.workload.WorkloadJson.spec(record.workload()));
  }

  /**
   * An endpoint: its record's fields, {@code revision} (create revision), {@code state}, {@code
   * reason}, and from its last report {@code detail} and {@code changed_at_ms} (null without one).
   */
  static JsonObject endpoint(DiscoveryView.EndpointEntry e) {
    JsonObject out = of(e.record());
    out.remove("schema");
    EndpointState state = e.state();
    boolean current = e.health() != null && e.health().endpointRevision() == e.createRevision();
    return out.put("revision", e.createRevision())
        .put("state", state.health().text())
        .put("reason", state.reason())
        .put("detail", current ? e.health().detail() : null)
        .put("changed_at_ms", current ? e.health().changedAtMs() : null);
  }

  static JsonArray endpoints(List<DiscoveryView.EndpointEntry> entries) {
    JsonArray out = new JsonArray();
    entries.forEach(e -> out.add(endpoint(e)));
    return out;
  }
}
