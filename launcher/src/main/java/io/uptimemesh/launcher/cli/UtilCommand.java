package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code uptimemesh util ...}: maintenance commands. A command group; more subcommands (compact,
 * check) join it later.
 */
@Command(
    name = "util",
    mixinStandardHelpOptions = true,
    description = "Maintenance commands.",
    subcommands = {UtilCommand.PruneNodes.class})
public final class UtilCommand implements Runnable {
  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this), "name a subcommand: prune-nodes");
  }

  /** Removes nodes stale or revoked for longer than {@code leader.prune_after_hours}. */
  @Command(
      name = "prune-nodes",
      mixinStandardHelpOptions = true,
      description =
          "Remove nodes that have been stale or revoked for longer than"
              + " leader.prune_after_hours (config.yaml), with all their keys.")
  public static final class PruneNodes extends ClientCommand {
    @Option(names = "--dry-run", description = "Only list the nodes that would be removed.")
    boolean dryRun;

    @Override
    protected int run() {
      JsonNode r = authenticated().post("/api/v1/nodes/prune", Map.of("dry_run", dryRun));
      if (json()) {
        printJson(r);
        return 0;
      }
      JsonNode nodes = r.path("nodes");
      String verb = dryRun ? "would remove" : "removed";
      if (nodes.isEmpty()) {
        System.out.println(
            "no node is stale or revoked for longer than "
                + r.path("prune_after_hours").asLong()
                + " h: nothing "
                + verb);
        return 0;
      }
      Table t = new Table("NODE", "NAME", "ROLE", "REASON", "SINCE");
      for (JsonNode n : nodes) {
        t.row(
            n.path("node_id").asText(),
            n.path("name").asText(),
            n.path("role").asText(),
            n.path("reason").asText(),
            Times.at(n.path("since_ms").asLong()));
      }
      t.print();
      System.out.println(verb + " " + nodes.size() + " node(s)" + (dryRun ? " (dry run)" : ""));
      return 0;
    }
  }
}
