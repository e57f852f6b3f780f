package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.uptimemesh.core.json.Json;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code uptimemesh events [--since …] [--category …] [--limit N] [--follow]}: the cluster event
 * log, oldest first; with {@code --follow} it then streams new events as they happen (Ctrl-C to
 * stop), continuing exactly where the listing ended and resuming after a dropped connection.
 */
@Command(
    name = "events",
    mixinStandardHelpOptions = true,
    description = "Show the cluster event log; --follow keeps streaming new events.")
public final class EventsCommand extends ClientCommand {
  private static final long RECONNECT_MS = 2000;

  @Option(
      names = "--since",
      description =
          "Start at an event id (exclusive), a time (2026-11-22T10:00:00Z, inclusive) or a"
              + " duration back from now (15m, 2h, 7d). Without it: the newest events.")
  String since;

  @Option(
      names = "--category",
      description =
          "Only these categories, comma-separated: node, token, auth, cluster, etcd,"
              + " snapshot, discovery, workloads.")
  String category;

  @Option(
      names = "--limit",
      defaultValue = "50",
      description = "At most this many past events, 1..1000 (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(
      names = {"-f", "--follow"},
      description = "After the past events, print new ones as they happen until Ctrl-C.")
  boolean follow;

  private volatile boolean stopping;

  @Override
  protected int run() throws IOException {
    ApiClient api = authenticated();
    StringBuilder query = new StringBuilder("?limit=").append(limit);
    if (category != null) {
      query.append("&category=").append(encode(category));
    }
    if (since != null) {
      // From a starting point: the first events after it. Otherwise the newest ones.
      query.append("&order=oldest&since=").append(encode(since));
    }
    JsonNode page = api.get("/api/v1/events" + query);
    List<JsonNode> events = new ArrayList<>();
    page.path("events").forEach(events::add);
    if (since == null) {
      java.util.Collections.reverse(events); // printed oldest first, like a log
    }
    if (json() && !follow) {
      ArrayNode ordered = Json.mapper().createArrayNode();
      events.forEach(ordered::add);
      ((com.fasterxml.jackson.databind.node.ObjectNode) page).set("events", ordered);
      printJson(page);
      return 0;
    }
    if (!json()) {
      System.out.println(
          String.format(
              "%-24s  %-7s  %-8s  %-22s  %-16s  %s",
              "TIME", "LEVEL", "CATEGORY", "NAME", "ACTOR", "FIELDS"));
    }
    events.forEach(this::print);
    if (since != null && page.path("more").asBoolean()) {
      // Oldest first from --since: what lies between the last shown and now is not shown.
      System.err.println(
          "events: more than "
              + limit
              + " events since "
              + since
              + "; to see the rest, raise --limit or run again with --since <the last id>");
    }
    if (follow) {
      follow(api, page.path("revision").asLong());
    }
    return 0;
  }

  /** Streams from {@code revision} on, reconnecting after the last event seen when it drops. */
  private void follow(ApiClient api, long revision) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stopping = true, "events-stop"));
    String path =
        "/api/v1/events/stream?after="
            + revision
            + (category == null ? "" : "&category=" + encode(category));
    long[] last = {revision};
    while (!stopping) {
      ApiClient.StreamEnd end =
          api.stream(path, Long.toString(last[0]), line -> onLine(line, last));
      if (stopping) {
        return;
      }
      if (end.problem() != null) {
        System.err.println("events: " + end.problem() + "; reconnecting");
        sleep(RECONNECT_MS);
      } else {
        sleep(RECONNECT_MS / 10); // the server ended it (it stops): resume, maybe elsewhere
      }
    }
  }

  private void onLine(String line, long[] last) {
    if (line.startsWith("id: ")) {
      last[0] = Long.parseLong(line.substring(4).strip());
    } else if (line.startsWith("data: ")) {
      try {
        print(Json.mapper().readTree(line.substring(6)));
      } catch (IOException e) {
        System.err.println("events: unreadable event skipped");
      }
    }
  }

  private void print(JsonNode e) {
    if (json()) {
      System.out.println(e.toString()); // one JSON object per line
      System.out.flush();
      return;
    }
    StringBuilder fields = new StringBuilder();
    for (Iterator<Map.Entry<String, JsonNode>> it = e.path("fields").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      fields.append(fields.length() == 0 ? "" : " ").append(f.getKey()).append('=');
      fields.append(f.getValue().asText());
    }
    System.out.println(
        String.format(
            "%-24s  %-7s  %-8s  %-22s  %-16s  %s",
            Instant.ofEpochMilli(e.path("time_ms").asLong()),
            e.path("level").asText(),
            e.path("category").asText(),
            e.path("name").asText(),
            e.path("actor").asText(),
            fields));
    System.out.flush();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    }
  }
}
