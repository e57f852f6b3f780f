package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code uptimemesh replicas list|restart|snapshot|restore}. */
@Command(
    name = "replicas",
    mixinStandardHelpOptions = true,
    description = "Show the replicas of workload services and send commands to one.",
    subcommands = {
      ReplicasCommand.ListReplicas.class,
      ReplicaCommandCli.Restart.class,
      ReplicaCommandCli.Snapshot.class,
      ReplicaCommandCli.Restore.class
    })
public final class ReplicasCommand implements Runnable {
  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this), "name a subcommand: list, restart, snapshot or restore");
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
}
