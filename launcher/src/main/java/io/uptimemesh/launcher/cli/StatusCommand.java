package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.agent.status.StatusClient;
import io.uptimemesh.core.config.AgentSettings;
import io.uptimemesh.core.config.RuntimeSettings;
import io.uptimemesh.core.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code uptimemesh status}: asks the local agent over its unix socket. Prints who the node is, the
 * core API in use, degraded since when, last sync, the applied revision, each interface's peers and
 * each peer's path, and the discovery section (the zone this node writes, the last reload, each
 * probed endpoint's health); {@code --output json} prints the agent's document as it is.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show the local agent's status (node, control plane, interfaces, paths).")
public final class StatusCommand implements Callable<Integer> {
  @Option(
      names = "--socket",
      description =
          "The agent's status socket (default: RUNTIME_STATUS_SOCKET, else <UPTIMEMESH_DATA_DIR>/agent.sock).")
  Path socket;

  @Option(
      names = "--output",
      defaultValue = "table",
      description = "table or json (default: ${DEFAULT-VALUE}).")
  ClientCommand.Output output;

  @Override
  public Integer call() {
    Path path = socket == null ? defaultSocket() : socket;
    StatusClient.Answer answer;
    try {
      answer = StatusClient.get(path, "/status");
    } catch (IOException e) {
      System.err.println(
          "error: no agent answers on "
              + path
              + " ("
              + e.getMessage()
              + "): is uptimemesh agent running?");
      return 1;
    }
    if (answer.status() != 200) {
      System.err.println(
          "error: the agent answered HTTP " + answer.status() + ": " + answer.body());
      return 1;
    }
    try {
      JsonNode json = Json.mapper().readTree(answer.body());
      if (output == ClientCommand.Output.JSON) {
        System.out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json));
      } else {
        print(json);
      }
    } catch (IOException e) {
      System.err.println("error: the agent's answer is not JSON: " + e.getMessage());
      return 1;
    }
    return 0;
  }

  static Path defaultSocket() {
    Map<String, String> env = System.getenv();
    try {
      return AgentSettings.load(env, RuntimeSettings.dotEnvPath(env)).statusSocket();
    } catch (RuntimeException e) {
      String explicit = env.get("RUNTIME_STATUS_SOCKET");
      if (explicit != null && !explicit.isBlank()) {
        return Path.of(explicit);
      }
      return Path.of(env.getOrDefault("UPTIMEMESH_DATA_DIR", "./data")).resolve("agent.sock");
    }
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode() ? "-" : node.asText();
  }

  private static void print(JsonNode s) {
    System.out.println(
        "node:              " + text(s.get("node_id")) + " (" + text(s.get("node_name")) + ")");
    System.out.println(
        "mesh address:      " + text(s.get("mesh_ip")) + " in " + text(s.get("mesh_cidr")));
    System.out.println("core API:          " + text(s.get("core_api")));
    System.out.println(
        "control plane:     "
            + (s.path("degraded").asBoolean()
                ? "DEGRADED since " + text(s.get("degraded_since"))
                : "reachable"));
    System.out.println("last sync:         " + text(s.get("last_sync")));
    System.out.println(
        "desired revision:  "
            + text(s.get("desired_revision_applied"))
            + " applied (latest known "
            + text(s.get("desired_revision"))
            + ")");
    System.out.println("key generation:    " + text(s.get("wg_key_generation")));
    System.out.println("last error:        " + text(s.get("last_error")));
    System.out.println();
    Table ifaces = new Table("INTERFACE", "PATH", "STATE", "PEER", "HANDSHAKE AGE", "RX", "TX");
    for (JsonNode i : s.path("interfaces")) {
      String state = i.path("up").asBoolean() ? "up" : "down";
      if (i.path("peers").isEmpty()) {
        ifaces.row(text(i.get("name")), text(i.get("path")), state, null, null, null, null);
      }
      for (JsonNode p : i.path("peers")) {
        ifaces.row(
            text(i.get("name")),
            text(i.get("path")),
            state,
            p.hasNonNull("node_id") ? p.get("node_id").asText() : text(p.get("public_key")),
            p.hasNonNull("latest_handshake_age_seconds")
                ? p.get("latest_handshake_age_seconds").asLong() + " s"
                : "never",
            Bytes.human(p.path("rx_bytes").asLong()),
            Bytes.human(p.path("tx_bytes").asLong()));
      }
    }
    ifaces.print();
    System.out.println();
    Table peers =
        new Table(
            "PEER",
            "ACTIVE PATH",
            "PRIMARY OK/FAIL",
            "SECONDARY OK/FAIL",
            "FAILOVERS",
            "LAST SWITCH");
    for (JsonNode p : s.path("peers")) {
      peers.row(
          text(p.get("node_id")),
          text(p.get("active_path")),
          p.path("primary").path("consecutive_successes").asInt()
              + "/"
              + p.path("primary").path("consecutive_failures").asInt(),
          p.path("secondary").path("consecutive_successes").asInt()
              + "/"
              + p.path("secondary").path("consecutive_failures").asInt(),
          p.path("failovers").asLong() + "+" + p.path("failbacks").asLong() + " back",
          text(p.get("last_switch")));
    }
    peers.print();
    printDiscovery(s.path("discovery"));
    printWorkloads(s.path("workloads"));
  }

  /** The workloads section (only when {@code LXD_ENABLED=true}): the replicas and their states. */
  private static void printWorkloads(JsonNode w) {
    if (w.isMissingNode() || w.isNull()) {
      return;
    }
    System.out.println();
    System.out.println(
        "workloads:         LXD project "
            + text(w.get("project"))
            + ", document revision "
            + text(w.get("document_revision"))
            + (w.path("stream_connected").asBoolean() ? ", stream connected" : ", stream down"));
    System.out.println("reports pending:   " + text(w.get("reports_pending")));
    if (w.hasNonNull("last_error")) {
      System.out.println("last error:        " + text(w.get("last_error")));
    }
    System.out.println();
    Table replicas =
        new Table("REPLICA", "SERVICE", "GENERATION", "RUNNING", "STATE", "COMMAND", "ERROR");
    for (JsonNode r : w.path("replicas")) {
      String commandError = r.path("command_error").asText("");
      replicas.row(
          text(r.get("id")),
          text(r.get("service")),
          text(r.get("generation")),
          text(r.get("running_generation")),
          text(r.get("state")),
          r.path("command_seq").asLong() == 0
              ? "-"
              : r.path("command_seq").asLong() + (commandError.isEmpty() ? " ok" : " failed"),
          r.path("error").asText("").isEmpty() ? commandError : text(r.get("error")));
    }
    replicas.print();
  }

  /** The discovery section: the zone this node writes (if enabled) and its probed endpoints. */
  private static void printDiscovery(JsonNode d) {
    if (d.isMissingNode() || d.isNull()) {
      return;
    }
    System.out.println();
    boolean enabled = d.path("enabled").asBoolean();
    System.out.println(
        "discovery:         "
            + (enabled ? "serving " + text(d.get("domain")) : "off (endpoint probes only)"));
    if (enabled) {
      JsonNode records = d.path("records");
      System.out.println("zone:              " + text(d.get("zone_path")));
      System.out.println(
          "serial:            "
              + text(d.get("serial"))
              + " ("
              + text(records.get("total"))
              + " records: "
              + text(records.get("nodes"))
              + " nodes, "
              + text(records.get("services"))
              + " services, "
              + text(records.get("endpoints"))
              + " endpoints)");
      System.out.println("last render:       " + text(d.get("last_render")));
      JsonNode reload = d.path("last_reload");
      System.out.println(
          "last reload:       "
              + (reload.isMissingNode() || reload.isNull()
                  ? "-"
                  : (reload.path("ok").asBoolean() ? "ok" : "FAILED")
                      + " (exit "
                      + text(reload.get("exit_code"))
                      + ") at "
                      + text(reload.get("at"))
                      + " in "
                      + text(reload.get("duration_ms"))
                      + " ms"));
      String tail = reload.path("output_tail").asText("");
      if (!tail.isEmpty()) {
        for (String line : tail.split("\n")) {
          System.out.println("                   | " + line);
        }
      }
      if (d.hasNonNull("last_error")) {
        System.out.println("zone error:        " + text(d.get("last_error")));
      }
    }
    System.out.println("reports pending:   " + text(d.get("reports_pending")));
    System.out.println();
    Table endpoints =
        new Table("ENDPOINT", "SERVICE", "ADDRESS", "CHECK", "STATE", "SINCE", "DETAIL");
    for (JsonNode e : d.path("endpoints")) {
      endpoints.row(
          text(e.get("id")),
          text(e.get("service")),
          text(e.get("address")),
          text(e.get("check")),
          text(e.get("state")),
          text(e.get("since")),
          text(e.get("detail")));
    }
    endpoints.print();
  }
}
