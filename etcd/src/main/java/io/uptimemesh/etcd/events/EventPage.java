package io.uptimemesh.etcd.events;

import java.util.List;

/**
 * One listing of the event log.
 *
 * @param events the matching events, in the order asked for
 * @param revision the etcd revision the listing was read at: a stream started after it continues
 *     exactly where this listing ends, without gaps or repeats
 * @param more true if more matching events lie beyond {@code limit}
 */
public record EventPage(List<EventEntry> events, long revision, boolean more) {
  public EventPage {
    events = List.copyOf(events);
  }
}
