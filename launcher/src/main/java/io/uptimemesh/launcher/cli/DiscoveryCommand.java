package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code uptimemesh discovery status|zone|corefile}. */
@Command(
    name = "discovery",
    mixinStandardHelpOptions = true,
    description = "See service discovery: status, and the zone and Corefile agents render.",
    subcommands = {
      DiscoveryCommand.Status.class,
      DiscoveryCommand.Zone.class,
      DiscoveryCommand.Corefile.class
    })
public final class DiscoveryCommand implements Runnable {
  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this), "name a subcommand: status, zone or corefile");
  }

  /** {@code discovery status}. */
  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description =
          "Domain, serial, services, endpoints with their health, and the DNS-serving agents.")
  public static final class Status extends ClientCommand {
    @Override
    protected int run() {
      JsonNode r = authenticated().get("/api/v1/discovery/status");
      if (json()) {
        printJson(r);
        return 0;
      }
      System.out.println(
          "domain "
              + r.path("domain").asText()
              + ", ttl "
              + r.path("ttl_seconds").asInt()
              + " s, serial "
              + r.path("serial").asLong()
              + ", "
              + r.path("nodes_published").asInt()
              + " node(s) published, revision "
              + r.path("revision").asLong());
      System.out.println();
      Table services = new Table("SERVICE", "ENDPOINTS", "HEALTHY");
      r.path("services")
          .forEach(
              s ->
                  services.row(
                      s.path("name").asText(),
                      s.path("endpoints").asInt(),
                      s.path("healthy").asInt()));
      services.print();
      System.out.println();
      Table endpoints = new Table("ENDPOINT", "SERVICE", "NODE", "ADDRESS", "STATE", "REASON");
      r.path("endpoints")
          .forEach(
              e ->
                  endpoints.row(
                      e.path("id").asText(),
                      e.path("service").asText(),
                      e.path("node_id").asText(),
                      e.path("address").asText()
                          + ":"
                          + e.path("port").asInt()
                          + "/"
                          + e.path("protocol").asText(),
                      e.path("state").asText(),
                      e.path("reason").asText()));
      endpoints.print();
      System.out.println();
      Table servers = new Table("DNS SERVER", "SERIAL", "RECORDS", "LAST RELOAD");
      r.path("servers")
          .forEach(
              s -> {
                JsonNode reload = s.path("last_reload");
                String last =
                    reload.isMissingNode() || reload.isNull()
                        ? "-"
                        : (reload.path("ok").asBoolean() ? "ok" : "failed")
                            + " (exit "
                            + reload.path("exit_code").asText("?")
                            + ") "
                            + Times.at(reload.path("at_ms").asLong());
                servers.row(
                    s.path("node_id").asText(),
                    s.path("serial").asText("-"),
                    s.path("records").asText("-"),
                    last);
              });
      servers.print();
      return 0;
    }
  }

  /** {@code discovery zone}: the zone as rendered with the server's settings. */
  @Command(
      name = "zone",
      mixinStandardHelpOptions = true,
      description = "Print the zone file as an agent renders it now (with the server's settings).")
  public static final class Zone extends ClientCommand {
    @Override
    protected int run() {
      System.out.print(authenticated().getText("/api/v1/discovery/zone"));
      return 0;
    }
  }

  /** {@code discovery corefile [--node ID]}. */
  @Command(
      name = "corefile",
      mixinStandardHelpOptions = true,
      description =
          "Print a CoreDNS Corefile serving the zone, listening on a node's mesh IP (or 0.0.0.0).")
  public static final class Corefile extends ClientCommand {
    @Option(names = "--node", description = "Listen on this node's mesh IP.")
    String node;

    @Override
    protected int run() {
      String query = node == null ? "" : "?node=" + Urls.query(node);
      System.out.print(authenticated().getText("/api/v1/discovery/corefile" + query));
      return 0;
    }
  }
}
