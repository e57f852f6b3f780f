package io.uptimemesh.etcd.events;

import io.uptimemesh.core.events.EventRecord;

/**
 * An event as read back from the log, with its position.
 *
 * @param revision the etcd revision that created it: unique, increasing in the order events were
 *     written (not necessarily their time order), the position a stream resumes from
 * @param event the event
 */
public record EventEntry(long revision, EventRecord event) {}
