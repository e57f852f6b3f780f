package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code uptimemesh replicas list|move|restart|snapshot|restore}. */
@Command(
    name = "replicas",
    mixinStandardHelpOptions = true,
    description = "Show the replicas of workload services, move one, and send commands to one.",
    subcommands = {
      ReplicasCommand.ListReplicas.class,
      ReplicasCommand.Move.class,
      ReplicaCommandCli.Restart.class,
      ReplicaCommandCli.Snapshot.class,
      ReplicaCommandCli.Restore.class
    })
public final class ReplicasCommand implements Runnable {
  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this),
        "name a subcommand: list, move, restart, snapshot or restore");
  }

  /** {@code replicas list [--service S] [--node N]}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "List replicas with the generation they must run, what their node's agent reported"
              + " (state, generation running, error) and the health of their endpoints.")
  public static final class ListReplicas extends ClientCommand {
    @Option(names = "--service", description = "Only this service's replicas.")
    String service;

    @Option(names = "--node", description = "Only the replicas on this node.")
    String node;

    @Override
    protected int run() {
      JsonNode r =
          authenticated().get("/api/v1/replicas" + Urls.filters("service", service, "node", node));
      if (json()) {
        printJson(r);
        return 0;
      }
      Table t = new Table("ID", "SERVICE", "NODE", "GEN", "RUNNING", "STATE", "HEALTH", "ERROR");
      for (JsonNode x : r.path("replicas")) {
        t.row(
            x.path("id").asText(),
            x.path("service").asText(),
            x.path("node_id").asText(),
            x.path("generation").asLong(),
            x.path("running_generation").isNull() ? null : x.path("running_generation").asLong(),
            x.path("state").asText(),
            x.path("health").asText(),
            x.path("error").asText().isEmpty() ? null : x.path("error").asText());
      }
      t.print();
      return 0;
    }
  }

  /** {@code replicas move ID --to NODE}. */
  @Command(
      name = "move",
      mixinStandardHelpOptions = true,
      description =
          "Move a replica to another node, make-before-break: a replacement is placed on NODE and"
              + " the scheduler removes the old replica once the replacement runs and is healthy.")
  public static final class Move extends ClientCommand {
    @picocli.CommandLine.Parameters(paramLabel = "ID", description = "The replica to move.")
    String id;

    @Option(names = "--to", required = true, description = "The node to move it to.")
    String to;

    @Override
    protected int run() {
      JsonNode r =
          authenticated()
              .post("/api/v1/replicas/" + Urls.segment(id) + "/move", java.util.Map.of("to", to));
      if (json()) {
        printJson(r);
        return 0;
      }
      JsonNode x = r.path("replacement");
      System.out.println(
          "replica "
              + id
              + ": replacement "
              + x.path("id").asText()
              + " placed on "
              + x.path("node_id").asText()
              + "; "
              + id
              + " is removed once it runs and is healthy");
      return 0;
    }
  }
}
