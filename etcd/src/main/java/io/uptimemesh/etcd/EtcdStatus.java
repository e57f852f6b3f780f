package io.uptimemesh.etcd;

import io.uptimemesh.etcd.managed.ManagedEtcd;
import java.util.List;
import java.util.OptionalLong;

/**
 * One consistent read of everything a core node knows about its etcd: the health grade, the watch
 * cache, and the managed process when there is one. What {@code /health/ready} reports.
 *
 * @param ready whether this core node should receive traffic, see {@link EtcdRuntime#status()}
 * @param health the monitor's latest result
 * @param endpoints the configured client URLs
 * @param cacheSynced whether the watch cache follows etcd
 * @param cacheRevision the revision the cache reflects
 * @param cacheKeys how many keys the cache holds
 * @param managed true if this server runs its own etcd member
 * @param managedState the supervisor's state, or null when not managed
 * @param managedPid the managed process id, when running
 * @param managedRestarts restarts after crashes, 0 when not managed
 */
public record EtcdStatus(
    boolean ready,
    EtcdHealth health,
    List<String> endpoints,
    boolean cacheSynced,
    long cacheRevision,
    int cacheKeys,
    boolean managed,
    ManagedEtcd.State managedState,
    OptionalLong managedPid,
    int managedRestarts) {}
