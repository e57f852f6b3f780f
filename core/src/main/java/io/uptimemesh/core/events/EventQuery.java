package io.uptimemesh.core.events;

import io.uptimemesh.core.error.UptimeMeshException;
import java.util.Optional;
import java.util.Set;

/**
 * A listing of the event log.
 *
 * @param since where to start (see {@link EventSince}); empty: from the newest or oldest end
 * @param categories only these categories; empty: all
 * @param limit at most this many events, 1..{@value #MAX_LIMIT}
 * @param newestFirst true: the newest {@code limit} matching events, newest first; false: the
 *     oldest {@code limit} matching events, oldest first (for paging forward with {@code since} set
 *     to the last id of the previous page)
 * @param names only events with one of these names (e.g. {@code path_failover}); empty: all
 * @param node only events about this node: its id as the {@code node_id} or {@code peer_id} field
 *     or in the actor {@code node:<id>}; empty: all
 */
public record EventQuery(
    Optional<EventSince> since,
    Set<EventCategory> categories,
    int limit,
    boolean newestFirst,
    Set<String> names,
    Optional<String> node) {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;

  public EventQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw UptimeMeshException.invalid("limit: expected an integer 1.." + MAX_LIMIT);
    }
    categories = Set.copyOf(categories);
    names = Set.copyOf(names);
  }

  public EventQuery(
      Optional<EventSince> since, Set<EventCategory> categories, int limit, boolean newestFirst) {
    this(since, categories, limit, newestFirst, Set.of(), Optional.empty());
  }

  /** True if {@code event} passes the category, name and node filters. */
  public boolean matches(EventRecord event) {
    return (categories.isEmpty()
            || categories.stream().anyMatch(c -> c.wireName().equals(event.category())))
        && (names.isEmpty() || names.contains(event.name()))
        && node.map(n -> about(event, n)).orElse(true);
  }

  private static boolean about(EventRecord event, String node) {
    return node.equals(event.fields().get("node_id"))
        || node.equals(event.fields().get("peer_id"))
        || event.actor().equals(Events.node(node));
  }
}
