package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/** {@code uptimemesh scheduler plan}. */
@Command(
    name = "scheduler",
    mixinStandardHelpOptions = true,
    description = "Show what the workload scheduler would do.",
    subcommands = {SchedulerCommand.Plan.class})
public final class SchedulerCommand implements Runnable {
  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this), "name a subcommand: plan");
  }

  /** {@code scheduler plan}: a dry run, never moves anything. */
  @Command(
      name = "plan",
      mixinStandardHelpOptions = true,
      description =
          "Show the actions the scheduler would take now (place, remove) with their reasons, and"
              + " what it cannot do; changes nothing (new replica ids are only examples).")
  public static final class Plan extends ClientCommand {
    @Override
    protected int run() {
      JsonNode r = authenticated().get("/api/v1/scheduler/plan");
      if (json()) {
        printJson(r);
        return 0;
      }
      if (r.path("actions").isEmpty()) {
        System.out.println("nothing to do: every service's replicas are where they should be");
      } else {
        Table t = new Table("ACTION", "REPLICA", "SERVICE", "NODE", "REPLACES", "REASON");
        for (JsonNode a : r.path("actions")) {
          t.row(
              a.path("action").asText(),
              a.path("replica_id").asText(),
              a.path("service").asText(),
              a.path("node_id").asText(),
              a.path("replaces").isTextual() ? a.path("replaces").asText() : null,
              a.path("reason").asText());
        }
        t.print();
      }
      for (JsonNode n : r.path("notes")) {
        System.out.println(
            "cannot: " + n.path("service").asText() + ": " + n.path("message").asText());
      }
      return 0;
    }
  }
}
