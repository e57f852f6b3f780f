package io.uptimemesh.etcd.events;

/** A live feed of the event log; close it to stop its etcd watch. */
public interface EventSubscription {
  /** Stops the feed; no event is delivered after it returns on the subscriber's context. */
  void close();
}
