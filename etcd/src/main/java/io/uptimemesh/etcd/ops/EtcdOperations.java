package io.uptimemesh.etcd.ops;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.cluster.Member;
import io.etcd.jetcd.maintenance.AlarmMember;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.etcd.jetcd.options.CompactOption;
import io.grpc.Status;
import io.uptimemesh.etcd.EtcdCallPolicy;
import io.uptimemesh.etcd.EtcdErrors;
import io.uptimemesh.etcd.EtcdStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an operator asks of the etcd cluster itself: the status of every member, alarms, compaction
 * with defragmentation, and a health check. Every call has a deadline: jetcd calls through {@link
 * EtcdCallPolicy} (reads retried, the compaction run once), defragmentation through {@code etcdctl}
 * with its own longer timeout.
 */
public final class EtcdOperations {
  private final Vertx vertx;
  private final Client client;
  private final EtcdStore store;
  private final EtcdCallPolicy calls;
  private final Etcdctl etcdctl;

  /**
   * @param etcdctl defragments members (with its own, longer timeout; see {@link
   *     Etcdctl#defragment})
   */
  public EtcdOperations(Vertx vertx, Client client, EtcdStore store, Etcdctl etcdctl) {
    this.vertx = vertx;
    this.client = client;
    this.store = store;
    this.calls = store.calls();
    this.etcdctl = etcdctl;
  }

  /**
   * One member as it answered (or did not).
   *
   * @param id member id in hex, as etcdctl prints it
   * @param error why the member could not be asked; null when it answered
   */
  public record MemberStatus(
      String id,
      String name,
      String endpoint,
      boolean leader,
      boolean learner,
      long dbSize,
      long dbSizeInUse,
      long revision,
      long raftTerm,
      long raftIndex,
      String version,
      List<String> errors,
      String error) {
    public boolean reachable() {
      return error == null;
    }
  }

  /** An active etcd alarm, e.g. NOSPACE when the backend quota is exceeded. */
  public record Alarm(String memberId, String type) {}

  /** The whole cluster: every member and the alarms. */
  public record ClusterStatus(List<MemberStatus> members, List<Alarm> alarms) {}

  /** One member's database size around a defragmentation. */
  public record Defragmented(
      String id, String name, String endpoint, long dbSizeBefore, long dbSizeAfter, String error) {}

  /** What {@link #compact()} did. */
  public record CompactResult(
      long compactedRevision, List<Defragmented> members, long savedBytes) {}

  /** What {@link #check()} found: ok only with no problems. */
  public record CheckResult(boolean ok, List<String> problems, ClusterStatus status) {}

  /** Lists members, then asks each for its status; a member that does not answer is reported so. */
  public Future<ClusterStatus> status() {
    Future<List<Member>> members =
        calls
            .idempotent("list etcd members", () -> client.getClusterClient().listMember())
            .map(r -> r.getMembers());
    Future<List<Alarm>> alarms = alarms();
    return Future.all(members, alarms)
        .compose(
            v -> {
              List<Future<MemberStatus>> each = new ArrayList<>();
              for (Member m : members.result()) {
                each.add(memberStatus(m));
              }
              return Future.all(each)
                  .map(
                      all ->
                          new ClusterStatus(
                              each.stream().map(Future::result).toList(), alarms.result()));
            });
  }

  /** The active alarms of the cluster. */
  public Future<List<Alarm>> alarms() {
    return calls
        .idempotent("list etcd alarms", () -> client.getMaintenanceClient().listAlarms())
        .map(r -> r.getAlarms().stream().map(EtcdOperations::alarm).toList());
  }

  /**
   * Compacts the key history at the current revision (physically), then defragments each member one
   * after the other, so at most one member at a time is busy rewriting its file.
   *
   * @return sizes before and after per member and the bytes saved in total
   */
  public Future<CompactResult> compact() {
    return status()
        .compose(
            before ->
                store
                    .revision()
                    .compose(
                        rev ->
                            calls
                                .once(
                                    "compact at revision " + rev,
                                    () ->
                                        client
                                            .getKVClient()
                                            .compact(
                                                rev,
                                                CompactOption.builder()
                                                    .withCompactPhysical(true)
                                                    .build()))
                                .map(r -> rev)
                                // Compacting at the revision already compacted is not a failure.
                                .recover(
                                    t ->
                                        EtcdErrors.code(t) == Status.Code.OUT_OF_RANGE
                                            ? Future.succeededFuture(rev)
                                            : Future.failedFuture(t)))
                    .compose(rev -> defragmentAll(before.members(), 0, new ArrayList<>(), rev)));
  }

  /**
   * Checks the cluster: every member answers with no errors, all run one etcd version, there is a
   * leader, and no alarm is raised.
   */
  public Future<CheckResult> check() {
    return status()
        .map(
            s -> {
              List<String> problems = new ArrayList<>();
              Set<String> versions = new TreeSet<>();
              boolean leader = false;
              for (MemberStatus m : s.members()) {
                if (!m.reachable()) {
                  problems.add("member " + m.name() + " (" + m.endpoint() + "): " + m.error());
                  continue;
                }
                versions.add(m.version());
                leader |= m.leader();
                for (String e : m.errors()) {
                  problems.add("member " + m.name() + " reports: " + e);
                }
              }
              if (versions.size() > 1) {
                problems.add("members run different etcd versions: " + versions);
              }
              if (!leader && !s.members().isEmpty()) {
                problems.add("no member reports a leader");
              }
              for (Alarm a : s.alarms()) {
                problems.add("alarm " + a.type() + " raised by member " + a.memberId());
              }
              return new CheckResult(problems.isEmpty(), problems, s);
            });
  }

  private Future<CompactResult> defragmentAll(
      List<MemberStatus> members, int index, List<Defragmented> out, long rev) {
    if (index == members.size()) {
      long saved =
          out.stream()
              .filter(d -> d.error() == null)
              .mapToLong(d -> Math.max(0, d.dbSizeBefore() - d.dbSizeAfter()))
              .sum();
      return Future.succeededFuture(new CompactResult(rev, List.copyOf(out), saved));
    }
    MemberStatus m = members.get(index);
    Future<Defragmented> one;
    if (m.endpoint() == null) {
      one =
          Future.succeededFuture(
              new Defragmented(m.id(), m.name(), null, m.dbSize(), m.dbSize(), "no client URL"));
    } else {
      one =
          vertx
              .executeBlocking(
                  () -> {
                    etcdctl.defragment(m.endpoint());
                    return null;
                  },
                  false)
              .compose(
                  d ->
                      calls.idempotent(
                          "status of " + m.endpoint(),
                          () -> client.getMaintenanceClient().statusMember(m.endpoint())))
              .map(
                  after ->
                      new Defragmented(
                          m.id(), m.name(), m.endpoint(), m.dbSize(), after.getDbSize(), null))
              .otherwise(
                  t ->
                      new Defragmented(
                          m.id(), m.name(), m.endpoint(), m.dbSize(), m.dbSize(), t.getMessage()));
    }
    return one.compose(
        d -> {
          out.add(d);
          return defragmentAll(members, index + 1, out, rev);
        });
  }

  private Future<MemberStatus> memberStatus(Member m) {
    String id = Long.toHexString(m.getId());
    List<URI> urls = m.getClientURIs();
    if (urls.isEmpty()) {
      // A member added but never started has no client URL yet.
      return Future.succeededFuture(
          new MemberStatus(
              id,
              m.getName(),
              null,
              false,
              m.isLearner(),
              0,
              0,
              0,
              0,
              0,
              null,
              List.of(),
              "not started (no client URL)"));
    }
    String endpoint = urls.get(0).toString();
    return calls
        .idempotent(
            "status of " + endpoint, () -> client.getMaintenanceClient().statusMember(endpoint))
        .map(s -> fromStatus(id, m, endpoint, s))
        .otherwise(
            t ->
                new MemberStatus(
                    id,
                    m.getName(),
                    endpoint,
                    false,
                    m.isLearner(),
                    0,
                    0,
                    0,
                    0,
                    0,
                    null,
                    List.of(),
                    t.getMessage()));
  }

  private static MemberStatus fromStatus(String id, Member m, String endpoint, StatusResponse s) {
    return new MemberStatus(
        id,
        m.getName(),
        endpoint,
        s.getLeader() == m.getId(),
        s.isLearner(),
        s.getDbSize(),
        s.getDbSizeInUse(),
        s.getHeader().getRevision(),
        s.getRaftTerm(),
        s.getRaftIndex(),
        s.getVersion(),
        List.copyOf(s.getErrorList()),
        null);
  }

  private static Alarm alarm(AlarmMember a) {
    return new Alarm(Long.toHexString(a.getMemberId()), a.getAlarmType().name());
  }
}
