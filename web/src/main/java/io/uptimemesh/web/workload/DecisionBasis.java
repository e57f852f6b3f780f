package io.uptimemesh.web.workload;

import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.EtcdTransaction;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * What a run of the scheduler decided on: the snapshot it read, updated with its own writes as they
 * commit. Each action's transaction requires the keys it depends on to be as seen here (same mod
 * revision, or absent), so a change by anyone else meanwhile makes it write nothing; the actions
 * after it in the same plan still see the earlier actions' own writes as expected.
 */
final class DecisionBasis {
  /** Key → mod revision after one of this run's commits; 0: deleted by it. */
  private final Map<String, Long> written = new HashMap<>();

  private final CacheSnapshot snapshot;

  DecisionBasis(CacheSnapshot snapshot) {
    this.snapshot = snapshot;
  }

  /** Adds the condition "{@code key} is as it was decided on" to {@code tx}. */
  void require(EtcdTransaction tx, String key) {
    Long mine = written.get(key);
    long rev =
        mine != null ? mine : snapshot.get(key).map(CacheSnapshot.Entry::modRevision).orElse(0L);
    if (rev == 0) {
      tx.requireAbsent(key);
    } else {
      tx.requireModRevision(key, rev);
    }
  }

  /** Records a commit of this run: {@code put} now at {@code revision}, {@code deleted} absent. */
  void committed(Collection<String> put, Collection<String> deleted, long revision) {
    deleted.forEach(k -> written.put(k, 0L));
    put.forEach(k -> written.put(k, revision));
  }
}
