package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code uptimemesh util ...}: maintenance of the cluster. */
@Command(
    name = "util",
    mixinStandardHelpOptions = true,
    description = "Cluster maintenance: compact, check, prune-nodes.",
    subcommands = {
      UtilCommand.Compact.class,
      UtilCommand.Check.class,
      UtilCommand.PruneNodes.class
    })
public final class UtilCommand implements Runnable {
  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this), "name a subcommand: compact, check or prune-nodes");
  }

  /** {@code util compact}: compaction at the current revision, then defragmentation. */
  @Command(
      name = "compact",
      mixinStandardHelpOptions = true,
      description =
          "Compact etcd's history at the current revision, then defragment each member in turn;"
              + " reports the space saved.")
  public static final class Compact extends ClientCommand {
    @Override
    protected int run() {
      JsonNode r = authenticated().post("/api/v1/etcd/compact", Map.of(), Duration.ofMinutes(30));
      if (json()) {
        printJson(r);
        return 0;
      }
      System.out.println("compacted at revision " + r.path("compacted_revision").asLong());
      Table t = new Table("MEMBER", "ENDPOINT", "BEFORE", "AFTER", "SAVED", "ERROR");
      boolean failed = false;
      for (JsonNode m : r.path("members")) {
        failed |= m.hasNonNull("error");
        t.row(
            m.path("name").asText(),
            m.path("endpoint").asText(),
            Bytes.human(m.path("db_size_before").asLong()),
            Bytes.human(m.path("db_size_after").asLong()),
            Bytes.human(m.path("saved_bytes").asLong()),
            m.hasNonNull("error") ? m.path("error").asText() : null);
      }
      t.print();
      System.out.println("saved " + Bytes.human(r.path("saved_bytes").asLong()) + " in total");
      return failed ? 1 : 0;
    }
  }

  /** {@code util check}: every member healthy, one version, no alarms. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description =
          "Check the cluster: every etcd member answers without errors, one etcd version, a"
              + " leader, no alarms, and every core node's server is ready. Exit code 1 when"
              + " anything is wrong.")
  public static final class Check extends ClientCommand {
    @Override
    protected int run() {
      JsonNode r = authenticated().get("/api/v1/etcd/check");
      boolean ok = r.path("ok").asBoolean();
      if (json()) {
        printJson(r);
      } else if (ok) {
        System.out.println(
            "ok: "
                + r.path("members").size()
                + " etcd member(s) healthy, version "
                + r.path("members").path(0).path("version").asText()
                + ", no alarms, "
                + r.path("core_nodes").size()
                + " core node(s) ready");
      } else {
        for (JsonNode p : r.path("problems")) {
          System.out.println("problem: " + p.asText());
        }
      }
      return ok ? 0 : 1;
    }
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
