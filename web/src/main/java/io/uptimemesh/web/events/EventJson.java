package io.uptimemesh.web.events;

import io.uptimemesh.core.events.EventRecord;
import io.uptimemesh.etcd.events.EventEntry;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;

/** An event as the API shows it, in lists and in the stream alike. */
final class EventJson {
  private EventJson() {}

  static JsonObject of(EventEntry entry) {
    EventRecord e = entry.event();
    return new JsonObject()
        .put("id", e.id())
        .put("revision", entry.revision())
        .put("time_ms", e.timeMs())
        .put("category", e.category())
        .put("name", e.name())
        .put("level", e.level())
        .put("actor", e.actor())
        .put("fields", new JsonObject(new LinkedHashMap<>(e.fields())));
  }
}
