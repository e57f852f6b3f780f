package io.uptimemesh.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code managed_etcd} section of {@code config.yaml}: the etcd member this server launches and
 * supervises when {@code ETCD_ENDPOINTS} is empty.
 *
 * @param memberName the etcd member name
 * @param clientPort the port etcd serves clients on
 * @param peerPort the port etcd talks to its peers on; differs from clientPort
 * @param autoCompactionMode {@code periodic} or {@code revision}
 * @param autoCompactionRetention a Go duration (periodic) or a revision count (revision), passed to
 *     etcd as is
 * @param quotaBackendBytes the etcd backend size quota in bytes
 * @param startupTimeout how long etcd may take to become healthy after launch
 * @param restartBackoffInitial the delay before the first restart after a crash
 * @param restartBackoffMax the longest delay between restarts
 * @param crashBudget crashes allowed within crashWindow before the server gives up
 * @param crashWindow the window crashBudget counts crashes in
 * @param stopGrace how long etcd gets after SIGTERM before SIGKILL
 */
public record ManagedEtcdConfig(
    String memberName,
    int clientPort,
    int peerPort,
    String autoCompactionMode,
    String autoCompactionRetention,
    long quotaBackendBytes,
    Duration startupTimeout,
    Duration restartBackoffInitial,
    Duration restartBackoffMax,
    int crashBudget,
    Duration crashWindow,
    Duration stopGrace) {
  public ManagedEtcdConfig {
    Objects.requireNonNull(memberName, "memberName");
    Objects.requireNonNull(autoCompactionMode, "autoCompactionMode");
    Objects.requireNonNull(autoCompactionRetention, "autoCompactionRetention");
    Objects.requireNonNull(startupTimeout, "startupTimeout");
    Objects.requireNonNull(restartBackoffInitial, "restartBackoffInitial");
    Objects.requireNonNull(restartBackoffMax, "restartBackoffMax");
    Objects.requireNonNull(crashWindow, "crashWindow");
    Objects.requireNonNull(stopGrace, "stopGrace");
  }
}
