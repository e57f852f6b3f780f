package io.uptimemesh.web.events;

import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.events.EventCategory;
import io.uptimemesh.core.events.EventQuery;
import io.uptimemesh.core.events.EventSince;
import io.uptimemesh.core.identity.NodeIds;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** Reading the query parameters of the event routes; a bad value is a 400 naming it. */
final class EventParams {
  private EventParams() {}

  /**
   * {@code since}, {@code category}, {@code limit}, {@code order}, {@code name} (event names, comma
   * separated) and {@code node} (events about that node) of a listing.
   */
  static EventQuery query(RoutingContext ctx, Clock clock) {
    String since = param(ctx, "since");
    int limit = limit(param(ctx, "limit"));
    String order = param(ctx, "order");
    boolean newestFirst;
    if (order == null || order.equals("newest")) {
      newestFirst = true;
    } else if (order.equals("oldest")) {
      newestFirst = false;
    } else {
      throw UptimeMeshException.invalid("order: expected newest or oldest");
    }
    return new EventQuery(
        since == null ? Optional.empty() : Optional.of(EventSince.parse("since", since, clock)),
        categories(ctx),
        limit,
        newestFirst,
        names(ctx),
        Optional.ofNullable(param(ctx, "node"))
            .map(String::strip)
            .filter(n -> !n.isEmpty())
            .map(NodeIds::validate));
  }

  /** {@code name=path_failover,path_failback}: any of these; absent or empty: all. */
  static Set<String> names(RoutingContext ctx) {
    String value = param(ctx, "name");
    Set<String> out = new java.util.TreeSet<>();
    if (value != null && !value.isBlank()) {
      for (String n : value.split(",", -1)) {
        String name = n.strip();
        if (!name.matches("[a-z][a-z0-9_]{0,47}")) {
          throw UptimeMeshException.invalid(
              "name: expected event names (lower case, digits, underscores), comma separated");
        }
        out.add(name);
      }
    }
    return out;
  }

  /** {@code category=node,token}: any of these; absent or empty: all. */
  static Set<EventCategory> categories(RoutingContext ctx) {
    String value = param(ctx, "category");
    Set<EventCategory> out = EnumSet.noneOf(EventCategory.class);
    if (value != null && !value.isBlank()) {
      for (String c : value.split(",", -1)) {
        out.add(EventCategory.parse("category", c));
      }
    }
    return out;
  }

  /**
   * Where a stream resumes: the {@code Last-Event-ID} header (a browser's EventSource sends it when
   * it reconnects), else the {@code after} parameter (the {@code revision} of a listing), else 0
   * (from now).
   */
  static long resumeAfter(RoutingContext ctx) {
    String header = ctx.request().getHeader("Last-Event-ID");
    if (header != null && !header.isBlank()) {
      return revision("Last-Event-ID", header);
    }
    String after = param(ctx, "after");
    return after == null ? 0 : revision("after", after);
  }

  private static long revision(String name, String value) {
    String v = value.strip();
    if (!v.matches("[0-9]{1,18}")) {
      throw UptimeMeshException.invalid(name + ": expected an event revision (a whole number)");
    }
    return Long.parseLong(v);
  }

  private static int limit(String value) {
    if (value == null) {
      return EventQuery.DEFAULT_LIMIT;
    }
    if (!value.strip().matches("[0-9]{1,4}")) {
      throw UptimeMeshException.invalid("limit: expected an integer 1.." + EventQuery.MAX_LIMIT);
    }
    return Integer.parseInt(value.strip()); // EventQuery checks the range
  }

  private static String param(RoutingContext ctx, String name) {
    return ctx.request().getParam(name);
  }
}
