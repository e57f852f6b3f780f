package io.uptimemesh.web.ops;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * What the etcd operations of a core node need to know.
 *
 * @param snapshotDir {@code ETCD_SNAPSHOT_DIR}
 * @param snapshotRetention {@code ETCD_SNAPSHOT_RETENTION}
 * @param etcdCommand {@code ETCD_COMMAND}; {@code etcdctl} is looked up beside it
 * @param nodeName this core node's name, recorded in snapshot metadata
 * @param snapshotTimeout {@code snapshots.timeout_seconds}
 * @param scheduleInterval {@code snapshots.schedule_interval_minutes}; zero disables the schedule
 */
public record OpsConfig(
    Path snapshotDir,
    int snapshotRetention,
    String etcdCommand,
    String nodeName,
    Duration snapshotTimeout,
    Duration scheduleInterval,
    Clock clock) {}
