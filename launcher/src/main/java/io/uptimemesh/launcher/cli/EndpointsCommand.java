package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code uptimemesh endpoints create|list|show|delete}. */
@Command(
    name = "endpoints",
    mixinStandardHelpOptions = true,
    description = "Manage the endpoints of discovery services and see their health.",
    subcommands = {
      EndpointsCommand.Create.class,
      EndpointsCommand.ListEndpoints.class,
      EndpointsCommand.Show.class,
      EndpointsCommand.Delete.class
    })
public final class EndpointsCommand implements Runnable {
  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this), "name a subcommand: create, list, show or delete");
  }

  /** The endpoint table of {@code list} and {@code services show}. */
  static Table table(JsonNode endpoints) {
    Table t = new Table("ID", "SERVICE", "NODE", "ADDRESS", "PORT", "CHECK", "STATE", "REASON");
    for (JsonNode e : endpoints) {
      t.row(
          e.path("id").asText(),
          e.path("service").asText(),
          e.path("node_id").asText(),
          e.path("address").asText(),
          e.path("port").asInt() + "/" + e.path("protocol").asText(),
          e.path("check").path("type").asText(),
          e.path("state").asText(),
          e.path("reason").asText());
    }
    return t;
  }

  /** {@code endpoints create --service S --node N --port P …}. */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Create an endpoint of a service on a node; the node's agent health-checks it and it is"
              + " published once healthy.")
  public static final class Create extends ClientCommand {
    @Option(names = "--service", required = true, description = "The service it belongs to.")
    String service;

    @Option(names = "--node", required = true, description = "The id of the node hosting it.")
    String node;

    @Option(names = "--port", required = true, description = "1..65535.")
    int port;

    @Option(names = "--id", description = "Default: <service>-<port-name>-<node>.")
    String id;

    @Option(names = "--address", description = "IP it listens on; default: the node's mesh IP.")
    String address;

    @Option(names = "--protocol", description = "tcp or udp (default: tcp).")
    String protocol;

    @Option(names = "--port-name", description = "The SRV label, e.g. http (default: protocol).")
    String portName;

    @Option(
        names = "--check",
        description = "tcp, http or none (default: tcp; none for udp, the only choice there).")
    String check;

    @Option(names = "--path", description = "HTTP path of an http check (default: /).")
    String path;

    @Option(names = "--interval-ms", description = "Time between checks (default: 2000).")
    Long intervalMs;

    @Option(names = "--timeout-ms", description = "Time a check may take (default: 1000).")
    Long timeoutMs;

    @Option(
        names = "--failure-threshold",
        description = "Failures in a row that make it unhealthy (default: 3).")
    Integer failureThreshold;

    @Option(
        names = "--success-threshold",
        description = "Successes in a row that make it healthy (default: 1).")
    Integer successThreshold;

    @Override
    protected int run() {
      Map<String, Object> body = new LinkedHashMap<>();
      put(body, "id", id);
      body.put("service", service);
      body.put("node_id", node);
      put(body, "address", address);
      body.put("port", port);
      put(body, "protocol", protocol);
      put(body, "port_name", portName);
      Map<String, Object> c = new LinkedHashMap<>();
      put(c, "type", check);
      put(c, "path", path);
      put(c, "interval_ms", intervalMs);
      put(c, "timeout_ms", timeoutMs);
      put(c, "failure_threshold", failureThreshold);
      put(c, "success_threshold", successThreshold);
      if (!c.isEmpty()) {
        body.put("check", c);
      }
      JsonNode r = authenticated().post("/api/v1/endpoints", body);
      if (json()) {
        printJson(r);
      } else {
        System.out.println(
            "endpoint "
                + r.path("id").asText()
                + " created: "
                + r.path("address").asText()
                + " port "
                + r.path("port").asInt()
                + "/"
                + r.path("protocol").asText()
                + ", "
                + r.path("state").asText("unknown")
                + " ("
                + r.path("reason").asText("no report yet")
                + ")");
      }
      return 0;
    }

    private static void put(Map<String, Object> body, String field, Object value) {
      if (value != null) {
        body.put(field, value);
      }
    }
  }

  /** {@code endpoints list [--service S] [--node N]}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List endpoints with their health.")
  public static final class ListEndpoints extends ClientCommand {
    @Option(names = "--service", description = "Only this service's endpoints.")
    String service;

    @Option(names = "--node", description = "Only the endpoints on this node.")
    String node;

    @Override
    protected int run() {
      JsonNode r =
          authenticated().get("/api/v1/endpoints" + Urls.filters("service", service, "node", node));
      if (json()) {
        printJson(r);
      } else {
        table(r.path("endpoints")).print();
      }
      return 0;
    }
  }

  /** {@code endpoints show ID}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show an endpoint, its check and its health.")
  public static final class Show extends ClientCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    protected int run() {
      JsonNode r = authenticated().get("/api/v1/endpoints/" + Urls.segment(id));
      if (json()) {
        printJson(r);
        return 0;
      }
      JsonNode c = r.path("check");
      System.out.println("endpoint: " + r.path("id").asText());
      System.out.println("service:  " + r.path("service").asText());
      System.out.println("node:     " + r.path("node_id").asText());
      System.out.println(
          "address:  "
              + r.path("address").asText()
              + " port "
              + r.path("port").asInt()
              + "/"
              + r.path("protocol").asText()
              + " ("
              + r.path("port_name").asText()
              + ")");
      System.out.println(
          "check:    "
              + c.path("type").asText()
              + (c.hasNonNull("path") ? " " + c.path("path").asText() : "")
              + " every "
              + c.path("interval_ms").asLong()
              + " ms, timeout "
              + c.path("timeout_ms").asLong()
              + " ms, "
              + c.path("failure_threshold").asInt()
              + " failures / "
              + c.path("success_threshold").asInt()
              + " successes");
      System.out.println(
          "state:    " + r.path("state").asText() + " (" + r.path("reason").asText() + ")");
      if (r.hasNonNull("changed_at_ms")) {
        System.out.println("since:    " + Times.at(r.path("changed_at_ms").asLong()));
      }
      return 0;
    }
  }

  /** {@code endpoints delete ID}. */
  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Delete an endpoint and its health record.")
  public static final class Delete extends ClientCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    protected int run() {
      JsonNode r = authenticated().delete("/api/v1/endpoints/" + Urls.segment(id));
      if (json()) {
        printJson(r);
      } else {
        System.out.println("endpoint " + id + " deleted");
      }
      return 0;
    }
  }
}
