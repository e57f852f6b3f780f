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
 */
public record EventQuery(
    Optional<EventSince> since, Set<EventCategory> categories, int limit, boolean newestFirst) {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;

  public EventQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw UptimeMeshException.invalid("limit: expected an integer 1.." + MAX_LIMIT);
    }
    categories = Set.copyOf(categories);
  }

  /** True if {@code event} passes the category filter. */
  public boolean matches(EventRecord event) {
    return categories.isEmpty()
        || categories.stream().anyMatch(c -> c.wireName().equals(event.category()));
  }
}
