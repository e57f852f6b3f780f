package io.uptimemesh.launcher;

import io.uptimemesh.core.config.ClusterConfig;
import io.uptimemesh.core.config.RuntimeSettings;
import io.uptimemesh.etcd.EtcdRuntime;
import io.uptimemesh.etcd.leader.ClusterLock;
import io.uptimemesh.etcd.leader.LeaderCandidate;
import io.uptimemesh.etcd.leader.LeaderElection;
import io.uptimemesh.etcd.leader.LeaderJobs;
import io.uptimemesh.etcd.leader.StaleNodeSweep;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;

/**
 * This core node's part in leadership: its election, the leader-only jobs that follow it, and the
 * cluster locks. Built once the etcd layer exists; starting it never waits for etcd.
 */
final class LeaderWiring {
  private final LeaderElection election;
  private final LeaderJobs jobs;
  private final ClusterLock locks;
  private final Duration pruneAfter;

  private LeaderWiring(
      LeaderElection election, LeaderJobs jobs, ClusterLock locks, Duration pruneAfter) {
    this.election = election;
    this.jobs = jobs;
    this.locks = locks;
    this.pruneAfter = pruneAfter;
  }

  /**
   * @param moreJobs leader-only jobs of other features, run next to the stale sweep
   * @param events records each new leader (by the node that won, so once per term)
   */
  static LeaderWiring create(
      Vertx vertx,
      EtcdRuntime etcd,
      RuntimeSettings settings,
      ClusterConfig config,
      java.util.List<io.uptimemesh.etcd.leader.LeaderJob> moreJobs,
      io.uptimemesh.core.events.Events events) {
    var leader = config.leader();
    LeaderCandidate candidate =
        new LeaderCandidate(
            candidateName(etcd, config),
            settings.advertisedApiUrl().toString(),
            System.currentTimeMillis());
    LeaderElection election =
        new LeaderElection(
            vertx, etcd.client(), etcd.store(), leader.electionTtl(), candidate, Clock.systemUTC());
    LeaderJobs jobs =
        new LeaderJobs(vertx)
            .register(
                new StaleNodeSweep(
                    etcd.store(), etcd.cache(), leader.staleSweepInterval(), Clock.systemUTC()));
    moreJobs.forEach(jobs::register);
    jobs.follow(election);
    election.onLeadership(
        fence ->
            fence.ifPresent(
                f ->
                    events.record(
                        io.uptimemesh.core.events.EventCategory.CLUSTER,
                        "leader_elected",
                        io.uptimemesh.core.events.EventLevel.INFO,
                        candidate.name(),
                        java.util.Map.of(
                            "api_url",
                            candidate.apiUrl(),
                            "term",
                            Long.toString(f.createRevision())))));
    ClusterLock locks =
        new ClusterLock(
            vertx,
            etcd.client(),
            etcd.store(),
            leader.electionTtl(),
            config.etcdClient().requestTimeout());
    return new LeaderWiring(election, jobs, locks, leader.pruneAfter());
  }

  /** Starts campaigning; returns at once. */
  void start() {
    election.start();
  }

  /** Stops the jobs, then resigns (a waiting core node takes over at once). Never fails. */
  Future<Void> stop() {
    return jobs.stop().transform(ar -> election.stop());
  }

  LeaderElection election() {
    return election;
  }

  ClusterLock locks() {
    return locks;
  }

  Duration pruneAfter() {
    return pruneAfter;
  }

  /**
   * This core node's name, the same in the leader election and in its core server record ({@code
   * /api/v1/cluster/members} marks the leader by it): the managed etcd member's name when this node
   * runs one, else the host's name (with an external etcd the configured member name is the same on
   * every core node).
   */
  static String candidateName(EtcdRuntime etcd, ClusterConfig config) {
    if (etcd.managed().isPresent()) {
      return config.managedEtcd().memberName();
    }
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "core";
    }
  }
}
