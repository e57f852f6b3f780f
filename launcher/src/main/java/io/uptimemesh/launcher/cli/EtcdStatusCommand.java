package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/** {@code uptimemesh etcd-status}: every etcd member and the alarms. */
@Command(
    name = "etcd-status",
    mixinStandardHelpOptions = true,
    description =
        "Show every etcd member: endpoint, health, leader, db size, revision, raft term, alarms.")
public final class EtcdStatusCommand extends ClientCommand {
  @Override
  protected int run() {
    JsonNode r = authenticated().get("/api/v1/etcd/status");
    if (json()) {
      printJson(r);
      return 0;
    }
    Table t =
        new Table(
            "NAME",
            "ID",
            "ENDPOINT",
            "HEALTH",
            "LEADER",
            "VERSION",
            "DB_SIZE",
            "DB_IN_USE",
            "REVISION",
            "RAFT_TERM",
            "RAFT_INDEX");
    for (JsonNode m : r.path("members")) {
      boolean up = m.path("reachable").asBoolean();
      String health =
          !up
              ? "down: " + m.path("error").asText()
              : m.path("errors").isEmpty() ? "ok" : "errors: " + m.path("errors");
      t.row(
          m.path("name").asText(),
          m.path("id").asText(),
          m.path("endpoint").asText(),
          health,
          m.path("leader").asBoolean() ? "yes" : "no",
          up ? m.path("version").asText() : null,
          up ? Bytes.human(m.path("db_size").asLong()) : null,
          up ? Bytes.human(m.path("db_size_in_use").asLong()) : null,
          up ? m.path("revision").asLong() : null,
          up ? m.path("raft_term").asLong() : null,
          up ? m.path("raft_index").asLong() : null);
    }
    t.print();
    JsonNode alarms = r.path("alarms");
    if (alarms.isEmpty()) {
      System.out.println("alarms: none");
    } else {
      for (JsonNode a : alarms) {
        System.out.println(
            "ALARM " + a.path("type").asText() + " on member " + a.path("member_id").asText());
      }
    }
    return 0;
  }
}
