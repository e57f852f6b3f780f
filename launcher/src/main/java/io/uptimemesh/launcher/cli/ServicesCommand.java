package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code uptimemesh services create|list|show|delete}. */
@Command(
    name = "services",
    mixinStandardHelpOptions = true,
    description = "Manage discovery services (<name>.svc.<domain>).",
    subcommands = {
      ServicesCommand.Create.class,
      ServicesCommand.ListServices.class,
      ServicesCommand.Show.class,
      ServicesCommand.Delete.class
    })
public final class ServicesCommand implements Runnable {
  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this), "name a subcommand: create, list, show or delete");
  }

  /** {@code services create NAME [--description D]}. */
  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a service.")
  public static final class Create extends ClientCommand {
    @Parameters(paramLabel = "NAME", description = "A DNS label: lower-case letters, digits, -.")
    String name;

    @Option(names = "--description", description = "Free text for people.")
    String description;

    @Override
    protected int run() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", name);
      if (description != null) {
        body.put("description", description);
      }
      JsonNode r = authenticated().post("/api/v1/services", body);
      if (json()) {
        printJson(r);
      } else {
        System.out.println("service " + r.path("name").asText() + " created");
      }
      return 0;
    }
  }

  /** {@code services list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List services with their endpoint counts.")
  public static final class ListServices extends ClientCommand {
    @Override
    protected int run() {
      JsonNode r = authenticated().get("/api/v1/services");
      if (json()) {
        printJson(r);
        return 0;
      }
      Table t = new Table("NAME", "ENDPOINTS", "HEALTHY", "CREATED", "DESCRIPTION");
      for (JsonNode s : r.path("services")) {
        t.row(
            s.path("name").asText(),
            s.path("endpoints").asInt(),
            s.path("healthy").asInt(),
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
      description = "Show a service and its endpoints with their health.")
  public static final class Show extends ClientCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    protected int run() {
      JsonNode r = authenticated().get("/api/v1/services/" + Urls.segment(name));
      if (json()) {
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
      if (r.path("endpoints").size() > 0) {
        System.out.println();
        EndpointsCommand.table(r.path("endpoints")).print();
      }
      return 0;
    }
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
