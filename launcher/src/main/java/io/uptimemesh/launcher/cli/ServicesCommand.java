package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code uptimemesh services create|apply|list|show|generations|rollback|delete}. */
@Command(
    name = "services",
    mixinStandardHelpOptions = true,
    description =
        "Manage services (<name>.svc.<domain>): discovery-only, or workloads with a spec whose"
            + " every change is a new generation.",
    subcommands = {
      ServicesCommand.Create.class,
      ServicesCommand.ListServices.class,
      ServicesCommand.Show.class,
      ServicesCommand.Delete.class,
      ServicesCommand.Apply.class,
      ServicesCommand.Generations.class,
      ServicesCommand.Rollback.class,
      ServicesCommand.Rollout.class
    })
public final class ServicesCommand implements Runnable {
  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this),
        "name a subcommand: create, apply, list, show, generations, rollback or delete");
  }

  /** {@code services create NAME [--description D] [--file SPEC]}. */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Create a service; with --file a workload whose spec starts at generation 1, without"
              + " it a discovery-only service.")
  public static final class Create extends ClientCommand {
    @Parameters(paramLabel = "NAME", description = "A DNS label: lower-case letters, digits, -.")
    String name;

    @Option(names = "--description", description = "Free text for people.")
    String description;

    @Option(
        names = "--file",
        paramLabel = "SPEC",
        description = "A workload spec, YAML or JSON (.json); see the README.")
    java.nio.file.Path file;

    @Override
    protected int run() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", name);
      if (description != null) {
        body.put("description", description);
      }
      if (file != null) {
        body.put("workload", WorkloadFiles.read(file));
      }
      JsonNode r = authenticated().post("/api/v1/services", body);
      if (json()) {
        printJson(r);
      } else {
        System.out.println(
            "service "
                + r.path("name").asText()
                + " created"
                + (r.path("generation").asLong() > 0
                    ? " at generation " + r.path("generation").asLong()
                    : ""));
      }
      return 0;
    }
  }

  /** {@code services apply NAME --file SPEC [--if-match REV]}. */
  @Command(
      name = "apply",
      mixinStandardHelpOptions = true,
      description =
          "Make a spec the service's workload: a new generation, unless it is the current spec"
              + " already (then nothing changes).")
  public static final class Apply extends ClientCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(
        names = "--file",
        required = true,
        paramLabel = "SPEC",
        description = "The workload spec, YAML or JSON (.json).")
    java.nio.file.Path file;

    @Option(
        names = "--if-match",
        paramLabel = "REV",
        description =
            "Apply only if the service is still at this revision (its mod_revision, as `services"
                + " show --output json` gives it).")
    Long ifMatch;

    @Override
    protected int run() {
      JsonNode spec = WorkloadFiles.read(file);
      JsonNode r =
          authenticated()
              .put(
                  "/api/v1/services/" + Urls.segment(name) + "/workload",
                  Map.of("workload", spec),
                  ifMatch == null ? null : "\"" + ifMatch + "\"");
      if (json()) {
        printJson(r);
      } else {
        printApplied(name, r, "applied as generation ", "unchanged, the spec is generation ");
      }
      return 0;
    }
  }

  /** One line about an apply or a rollback: the new generation, or that nothing changed. */
  static void printApplied(String name, JsonNode r, String changed, String unchanged) {
    System.out.println(
        "service "
            + name
            + ": "
            + (r.path("changed").asBoolean()
                ? changed
                    + r.path("generation").asLong()
                    + " (was "
                    + r.path("previous_generation").asLong()
                    + ")"
                : unchanged + r.path("generation").asLong() + " already"));
  }

  /** {@code services generations NAME}. */
  @Command(
      name = "generations",
      mixinStandardHelpOptions = true,
      description =
          "List the kept generations of a service's spec (the last WORKLOAD_GENERATIONS_KEPT of"
              + " the server, 10 by default), oldest first.")
  public static final class Generations extends ClientCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    protected int run() {
      ApiClient api = authenticated();
      JsonNode r = api.get("/api/v1/services/" + Urls.segment(name) + "/generations");
      if (json()) {
        printJson(r);
        return 0;
      }
      long current = api.get("/api/v1/services/" + Urls.segment(name)).path("generation").asLong();
      Table t = new Table("GEN", "CREATED", "BY", "IMAGE", "REPLICAS", "NOTE");
      for (JsonNode g : r.path("generations")) {
        long n = g.path("generation").asLong();
        String note = n == current ? "current" : null;
        if (!g.path("rollback_of").isNull() && !g.path("rollback_of").isMissingNode()) {
          note =
              (note == null ? "" : note + ", ") + "rollback to " + g.path("rollback_of").asLong();
        }
        t.row(
            n,
            Times.at(g.path("created_at_ms").asLong()),
            g.path("created_by").asText(),
            g.path("spec").path("image").asText(),
            g.path("spec").path("replicas").asInt(),
            note);
      }
      t.print();
      return 0;
    }
  }

  /** {@code services rollback NAME [--to-generation N]}. */
  @Command(
      name = "rollback",
      mixinStandardHelpOptions = true,
      description =
          "Make the spec of a kept generation (default: the one before the current) the spec of a"
              + " new generation.")
  public static final class Rollback extends ClientCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(
        names = "--to-generation",
        paramLabel = "N",
        description = "The kept generation whose spec to go back to.")
    Long toGeneration;

    @Override
    protected int run() {
      Map<String, Object> body = new LinkedHashMap<>();
      if (toGeneration != null) {
        body.put("to_generation", toGeneration);
      }
      JsonNode r =
          authenticated().post("/api/v1/services/" + Urls.segment(name) + "/rollback", body);
      if (json()) {
        printJson(r);
      } else {
        printApplied(name, r, "rolled back as generation ", "unchanged, that spec is generation ");
      }
      return 0;
    }
  }

  /** {@code services list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List services with their endpoint counts and workload generations.")
  public static final class ListServices extends ClientCommand {
    @Override
    protected int run() {
      JsonNode r = authenticated().get("/api/v1/services");
      if (json()) {
        printJson(r);
        return 0;
      }
      Table t = new Table("NAME", "ENDPOINTS", "HEALTHY", "GEN", "CREATED", "DESCRIPTION");
      for (JsonNode s : r.path("services")) {
        t.row(
            s.path("name").asText(),
            s.path("endpoints").asInt(),
            s.path("healthy").asInt(),
            s.path("generation").asLong() == 0 ? null : s.path("generation").asLong(),
            Times.at(s.path("created_at_ms").asLong()),
            s.path("description").asText());
      }
      t.print();
      return 0;
    }
  }

  /** {@code services show NAME}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "Show a service (for a workload, its generation and a summary of its spec) and its"
              + " endpoints with their health.")
  public static final class Show extends ClientCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    protected int run() {
      ApiClient api = authenticated();
      JsonNode r = api.get("/api/v1/services/" + Urls.segment(name));
      JsonNode rollout =
          api.getIfExists("/api/v1/services/" + Urls.segment(name) + "/rollout")
              .orElse(com.fasterxml.jackson.databind.node.NullNode.getInstance());
      if (json()) {
        ((com.fasterxml.jackson.databind.node.ObjectNode) r).set("rollout", rollout);
        printJson(r);
        return 0;
      }
      System.out.println("service:     " + r.path("name").asText());
      System.out.println("description: " + r.path("description").asText());
      System.out.println("created:     " + Times.at(r.path("created_at_ms").asLong()));
      System.out.println(
          "endpoints:   "
              + r.path("endpoint_count").asInt()
              + " ("
              + r.path("healthy").asInt()
              + " healthy)");
      printWorkload(r);
      if (!rollout.isNull()) {
        printRollout(rollout);
      }
      if (r.path("endpoints").size() > 0) {
        System.out.println();
        EndpointsCommand.table(r.path("endpoints")).print();
      }
      return 0;
    }
  }

  /** The generation and a summary of the spec, or that the service is discovery only. */
  static void printWorkload(JsonNode r) {
    JsonNode w = r.path("workload");
    if (w.isMissingNode() || w.isNull()) {
      System.out.println("workload:    none (discovery only)");
      return;
    }
    System.out.println("generation:  " + r.path("generation").asLong());
    System.out.println("image:       " + w.path("image").asText());
    System.out.println(
        "replicas:    "
            + w.path("replicas").asInt()
            + " ("
            + w.path("anti_affinity").asText()
            + " anti-affinity, roles "
            + join(w.path("node_selector").path("roles"))
            + ")");
    java.util.List<String> ports = new java.util.ArrayList<>();
    w.path("ports")
        .forEach(
            p ->
                ports.add(
                    p.path("name").asText()
                        + " "
                        + p.path("port").asInt()
                        + "/"
                        + p.path("protocol").asText()));
    System.out.println("ports:       " + (ports.isEmpty() ? "none" : String.join(", ", ports)));
    JsonNode h = w.path("health");
    if (!h.isMissingNode() && !h.isNull()) {
      System.out.println(
          "health:      "
              + h.path("type").asText()
              + (h.hasNonNull("path") ? " " + h.path("path").asText() : "")
              + " on "
              + h.path("port_name").asText()
              + " every "
              + h.path("interval_ms").asLong()
              + " ms");
    }
    JsonNode ru = w.path("rolling_update");
    System.out.println(
        "rollout:     max unavailable "
            + ru.path("max_unavailable").asInt()
            + ", max surge "
            + ru.path("max_surge").asInt());
  }

  /** One line on the service's last rollout: state, generations, progress and why it failed. */
  static void printRollout(JsonNode r) {
    int total = r.path("steps").size();
    int done = 0;
    java.util.Iterator<JsonNode> steps = r.path("steps").elements();
    while (steps.hasNext()) {
      done += "done".equals(steps.next().path("state").asText()) ? 1 : 0;
    }
    System.out.println(
        "last rollout: "
            + r.path("state").asText()
            + ", generation "
            + r.path("from_generation").asLong()
            + " → "
            + r.path("to_generation").asLong()
            + ", "
            + done
            + "/"
            + total
            + " replicas done"
            + (r.path("reason").asText().isEmpty() ? "" : ": " + r.path("reason").asText()));
  }

  /** {@code services rollout NAME}. */
  @Command(
      name = "rollout",
      mixinStandardHelpOptions = true,
      description =
          "Start the failed rollout of a service's current generation again (the leader then moves"
              + " its replicas one step at a time); refused while a rollout runs.")
  public static final class Rollout extends ClientCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    protected int run() {
      JsonNode r =
          authenticated().post("/api/v1/services/" + Urls.segment(name) + "/rollout", Map.of());
      if (json()) {
        printJson(r);
      } else {
        System.out.println(
            "rollout of "
                + name
                + " to generation "
                + r.path("to_generation").asLong()
                + " started again ("
                + r.path("steps").size()
                + " replicas)");
      }
      return 0;
    }
  }

  private static String join(JsonNode array) {
    java.util.List<String> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return String.join(",", out);
  }

  /** {@code services delete NAME [--cascade]}. */
  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Delete a service; refused while it has endpoints unless --cascade.")
  public static final class Delete extends ClientCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--cascade", description = "Delete its endpoints (and their health) too.")
    boolean cascade;

    @Override
    protected int run() {
      JsonNode r =
          authenticated()
              .delete("/api/v1/services/" + Urls.segment(name) + (cascade ? "?cascade=true" : ""));
      if (json()) {
        printJson(r);
      } else {
        int n = r.path("endpoints_deleted").asInt();
        System.out.println(
            "service " + name + " deleted" + (n > 0 ? " with " + n + " endpoint(s)" : ""));
      }
      return 0;
    }
  }
}
