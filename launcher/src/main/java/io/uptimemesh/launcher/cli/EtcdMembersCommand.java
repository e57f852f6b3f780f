package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code uptimemesh etcd-members [add|promote|remove]}. */
@Command(
    name = "etcd-members",
    mixinStandardHelpOptions = true,
    description = {
      "List the etcd members of the control plane (id, name, URLs, leader, learner, health).",
      "A new core node normally joins with `uptimemesh server --join URL --token T`, which adds,"
          + " starts and promotes its member; these subcommands are for repairs."
    },
    subcommands = {
      EtcdMembersCommand.Add.class,
      EtcdMembersCommand.Promote.class,
      EtcdMembersCommand.Remove.class
    })
public final class EtcdMembersCommand extends ClientCommand {
  @Override
  protected int run() {
    JsonNode r = authenticated().get("/api/v1/etcd/members");
    if (json()) {
      printJson(r);
      return 0;
    }
    Table t =
        new Table("ID", "NAME", "PEER_URLS", "CLIENT_URLS", "LEADER", "LEARNER", "HEALTH", "DB");
    for (JsonNode m : r.path("members")) {
      t.row(
          m.path("id").asText(),
          m.path("name").asText(),
          String.join(",", strings(m.path("peer_urls"))),
          String.join(",", strings(m.path("client_urls"))),
          m.path("leader").asBoolean() ? "yes" : "",
          m.path("learner").asBoolean() ? "yes" : "",
          m.path("healthy").asBoolean() ? "healthy" : "down: " + m.path("error").asText(""),
          m.path("db_size_bytes").asLong());
    }
    t.print();
    return 0;
  }

  private static java.util.List<String> strings(JsonNode array) {
    java.util.List<String> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** {@code etcd-members add --name N --peer-url URL}: a learner, to start by hand. */
  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description =
          "Add an etcd member as a learner and print the --initial-cluster it must start with.")
  public static final class Add extends ClientCommand {
    @Option(names = "--name", required = true, description = "The member's name.")
    String name;

    @Option(names = "--peer-url", required = true, description = "Its peer URL.")
    String peerUrl;

    @Override
    protected int run() {
      JsonNode r =
          authenticated().post("/api/v1/etcd/members", Map.of("name", name, "peer_url", peerUrl));
      if (json()) {
        printJson(r);
      } else {
        System.out.println(
            (r.path("added").asBoolean() ? "added learner " : "already a member: ")
                + r.path("member_id").asText());
        System.out.println("start it with:");
        System.out.println("  --initial-cluster=" + r.path("initial_cluster").asText());
        System.out.println("  --initial-cluster-state=existing");
        System.out.println("then: uptimemesh etcd-members promote " + r.path("member_id").asText());
      }
      return 0;
    }
  }

  /** {@code etcd-members promote ID}. */
  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description = "Promote a learner that has caught up to a voting member.")
  public static final class Promote extends ClientCommand {
    @Parameters(paramLabel = "ID", description = "The member id (hex), from etcd-members.")
    String id;

    @Override
    protected int run() {
      JsonNode r = authenticated().post("/api/v1/etcd/members/" + id + "/promote", Map.of());
      if (json()) {
        printJson(r);
      } else {
        System.out.println("etcd member " + id + " promoted");
      }
      return 0;
    }
  }

  /** {@code etcd-members remove ID}: refused when it would cost quorum. */
  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description =
          "Remove an etcd member; refused when the voting members left would not have a healthy"
              + " majority.")
  public static final class Remove extends ClientCommand {
    @Parameters(paramLabel = "ID", description = "The member id (hex), from etcd-members.")
    String id;

    @Override
    protected int run() {
      JsonNode r = authenticated().delete("/api/v1/etcd/members/" + id);
      if (json()) {
        printJson(r);
      } else {
        System.out.println("etcd member " + id + " (" + r.path("name").asText() + ") removed");
      }
      return 0;
    }
  }
}
