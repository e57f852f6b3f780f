package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/** {@code uptimemesh nodes-status}. */
@Command(
    name = "nodes-status",
    mixinStandardHelpOptions = true,
    description = "List nodes with their liveness.")
public final class NodesStatusCommand extends ClientCommand {
  @Override
  protected int run() {
    JsonNode r = authenticated().get("/api/v1/nodes");
    if (json()) {
      printJson(r);
      return 0;
    }
    Table t =
        new Table(
            "NODE",
            "NAME",
            "ROLE",
            "MESH_IP",
            "STATE",
            "LAST_HEARTBEAT",
            "CERT_EXPIRES",
            "SCHEDULING");
    for (JsonNode n : r.path("nodes")) {
      t.row(
          n.path("node_id").asText(),
          n.path("name").asText(),
          n.path("role").asText(),
          n.path("mesh_ip").asText(),
          n.path("state").asText(),
          Times.ago(n.path("last_heartbeat_ms").asLong()),
          Times.at(n.path("cert_not_after_ms").asLong()),
          // Whether new replicas may go there (nodes cordon|uncordon|drain).
          n.path("scheduling").path("draining").asBoolean()
              ? "draining"
              : n.path("scheduling").path("cordoned").asBoolean() ? "cordoned" : "schedulable");
    }
    t.print();
    return 0;
  }
}
