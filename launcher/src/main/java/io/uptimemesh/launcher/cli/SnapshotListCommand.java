package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/** {@code uptimemesh snapshot-list}. */
@Command(
    name = "snapshot-list",
    mixinStandardHelpOptions = true,
    description = "List the etcd snapshots kept on the core node behind --api-url, newest first.")
public final class SnapshotListCommand extends ClientCommand {
  @Override
  protected int run() {
    JsonNode r = authenticated().get("/api/v1/snapshots");
    if (json()) {
      printJson(r);
      return 0;
    }
    Table t =
        new Table("ID", "CREATED", "REVISION", "KEYS", "SIZE", "SHA256", "NODE", "DURATION_MS");
    for (JsonNode s : r.path("snapshots")) {
      t.row(
          s.path("id").asText(),
          s.path("created_at").asText(),
          s.path("revision").asLong(),
          s.path("total_keys").asLong() < 0 ? null : s.path("total_keys").asLong(),
          Bytes.human(s.path("size").asLong()),
          s.path("sha256").asText().substring(0, 12),
          s.path("node").asText(),
          s.path("duration_ms").asLong());
    }
    t.print();
    for (JsonNode j : r.path("jobs")) {
      System.out.println(
          "job "
              + j.path("id").asText()
              + ": "
              + j.path("state").asText()
              + (j.hasNonNull("error") ? " (" + j.path("error").asText() + ")" : ""));
    }
    return 0;
  }
}
