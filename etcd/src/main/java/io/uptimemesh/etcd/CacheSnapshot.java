package io.uptimemesh.etcd;

import java.util.Collections;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable view of the cluster's keys at one revision. Readers take one and read it at leisure;
 * the watch cache replaces it wholesale, it never changes under a reader.
 *
 * @param revision the etcd revision this view reflects
 * @param entries key → raw entry, sorted by key
 */
public record CacheSnapshot(long revision, NavigableMap<String, Entry> entries) {

  /** One cached key: its raw JSON bytes, revisions, and the lease it is attached to (0: none). */
  public record Entry(
      String key, byte[] value, long createRevision, long modRevision, long lease) {}

  public static final CacheSnapshot EMPTY = new CacheSnapshot(0, new TreeMap<>());

  public CacheSnapshot {
    entries = Collections.unmodifiableNavigableMap(new TreeMap<>(entries));
  }

  public Optional<Entry> get(String key) {
    return Optional.ofNullable(entries.get(key));
  }

  /** Every entry whose key starts with {@code prefix}, in key order. */
  public SortedMap<String, Entry> withPrefix(String prefix) {
    return entries.subMap(prefix, true, prefix + Character.MAX_VALUE, false);
  }

  public int size() {
    return entries.size();
  }
}
