package io.uptimemesh.etcd.members;

import io.etcd.jetcd.Cluster;
import io.etcd.jetcd.Maintenance;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.etcd.EtcdCallPolicy;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The etcd cluster's membership: list members with their health, add a new core node's member as a
 * learner (it does not count towards quorum until promoted, so a member that never starts cannot
 * cost the cluster its quorum), promote it once it has caught up, and remove members without ever
 * removing one whose loss would cost quorum.
 */
public final class EtcdMembers {
  private static final Logger log = LoggerFactory.getLogger(EtcdMembers.class);
  private static final HexFormat HEX = HexFormat.of();
  private static final Duration ADD_PATIENCE = Duration.ofSeconds(15);

  /** One member as etcd lists it; a learner added but not started yet has no name. */
  public record Member(
      long id, String name, List<String> peerUrls, List<String> clientUrls, boolean learner) {
    public String idHex() {
      return hex(id);
    }
  }

  /**
   * A member with what its own status call says.
   *
   * @param error empty when the member answered; else why not
   */
  public record MemberStatus(
      Member member,
      boolean healthy,
      boolean leader,
      long dbSizeBytes,
      long dbSizeInUseBytes,
      long raftTerm,
      long raftIndex,
      String version,
      List<String> alarms,
      Optional<String> error) {}

  /**
   * A learner added for a joining core node.
   *
   * @param initialCluster the {@code --initial-cluster} value the new member starts with
   * @param clientUrls client URLs of the members already running, for the new node to reach etcd
   *     while its own member is still a learner
   * @param added true if this call added the member, false if it existed (a retried join)
   */
  public record Admission(
      Member member, String initialCluster, List<String> clientUrls, boolean added) {}

  private final Vertx vertx;
  private final Cluster cluster;
  private final Maintenance maintenance;
  private final EtcdCallPolicy calls;

  public EtcdMembers(Vertx vertx, Cluster cluster, Maintenance maintenance, EtcdCallPolicy calls) {
    this.vertx = vertx;
    this.cluster = cluster;
    this.maintenance = maintenance;
    this.calls = calls;
  }

  public static String hex(long id) {
    return HEX.toHexDigits(id);
  }

  /** Every member, learners included, in etcd's order. */
  public Future<List<Member>> list() {
    return calls
        .idempotent("list etcd members", cluster::listMember)
        .map(r -> r.getMembers().stream().map(EtcdMembers::member).toList());
  }

  /** Every member with its status; a member that does not answer is listed as unhealthy. */
  public Future<List<MemberStatus>> statuses() {
    return list()
        .compose(
            members -> {
              List<Future<MemberStatus>> each = members.stream().map(this::status).toList();
              return Future.join(each).map(v -> each.stream().map(Future::result).toList());
            });
  }

  /**
   * Adds a learner with {@code peerUrl} for a core node named {@code name}; if a member with that
   * peer URL exists already (a retried join, or the first core node registering the member it
   * runs), returns it instead of adding another.
   *
   * @return what the new member needs to start
   */
  public Future<Admission> addLearner(String name, URI peerUrl) {
    return list()
        .compose(
            members -> {
              Optional<Member> existing =
                  members.stream()
                      .filter(m -> m.peerUrls().contains(peerUrl.toString()))
                      .findFirst();
              if (existing.isPresent()) {
                // A retried join, or a core node registering the member it already runs.
                return Future.succeededFuture(admission(existing.get(), name, members, false));
              }
              return addMember(peerUrl, System.nanoTime() + ADD_PATIENCE.toNanos())
                  .map(
                      r ->
                          admission(
                              member(r.getMember()),
                              name,
                              r.getMembers().stream().map(EtcdMembers::member).toList(),
                              true));
            });
  }

  /**
   * etcd refuses membership changes ("unhealthy cluster") until every voting member has been
   * connected for a few seconds (its strict reconfiguration check), e.g. just after a start. Such a
   * refusal changed nothing, so the add is tried again for a while.
   */
  private Future<io.etcd.jetcd.cluster.MemberAddResponse> addMember(URI peerUrl, long deadline) {
    return calls
        .once("add etcd learner " + peerUrl, () -> cluster.addMember(List.of(peerUrl), true))
        .recover(
            t -> {
              if (!String.valueOf(t.getCause()).contains("unhealthy cluster")
                  || System.nanoTime() > deadline) {
                return Future.failedFuture(t);
              }
              Promise<io.etcd.jetcd.cluster.MemberAddResponse> later = Promise.promise();
              vertx.setTimer(500, x -> addMember(peerUrl, deadline).onComplete(later));
              return later.future();
            });
  }

  /** Promotes a learner to a voting member; fails while it has not caught up with the leader. */
  public Future<Void> promote(long id) {
    return calls
        .once("promote etcd member " + hex(id), () -> cluster.promoteMember(id))
        .<Void>mapEmpty()
        .recover(
            t -> {
              io.grpc.Status.Code code = io.uptimemesh.etcd.EtcdErrors.code(t);
              if (code == io.grpc.Status.Code.FAILED_PRECONDITION) {
                return Future.failedFuture(
                    UptimeMeshException.conflict(
                        "etcd member "
                            + hex(id)
                            + " cannot be promoted yet: it has not caught up with the leader (is"
                            + " it running?)"));
              }
              if (code == io.grpc.Status.Code.NOT_FOUND) {
                return Future.failedFuture(
                    UptimeMeshException.notFound("no etcd member with id " + hex(id)));
              }
              return Future.failedFuture(t);
            });
  }

  /**
   * Promotes {@code id} as soon as it has caught up, retrying every half second up to {@code
   * within}.
   */
  public Future<Void> promoteWhenCaughtUp(long id, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    Promise<Void> done = Promise.promise();
    tryPromote(id, deadline, done);
    return done.future();
  }

  private void tryPromote(long id, long deadline, Promise<Void> done) {
    promote(id)
        .onSuccess(done::complete)
        .onFailure(
            t -> {
              if (System.nanoTime() > deadline) {
                done.fail(
                    new UptimeMeshException(
                        ErrorCode.UNAVAILABLE,
                        "etcd member " + hex(id) + " was not promoted in time: " + t.getMessage()));
                return;
              }
              log.debug("promoting etcd member {} not possible yet: {}", hex(id), t.getMessage());
              vertx.setTimer(500, x -> tryPromote(id, deadline, done));
            });
  }

  /**
   * Removes a member, unless that would leave the cluster without quorum: the voting members left
   * must still have a healthy majority among them. Learners can always be removed.
   */
  public Future<Member> remove(long id) {
    return statuses()
        .compose(
            all -> {
              MemberStatus target =
                  all.stream()
                      .filter(s -> s.member().id() == id)
                      .findFirst()
                      .orElseThrow(
                          () -> UptimeMeshException.notFound("no etcd member with id " + hex(id)));
              if (!target.member().learner()) {
                List<MemberStatus> votersLeft =
                    all.stream()
                        .filter(s -> !s.member().learner() && s.member().id() != id)
                        .toList();
                long healthyLeft = votersLeft.stream().filter(MemberStatus::healthy).count();
                int quorum = votersLeft.size() / 2 + 1;
                if (votersLeft.isEmpty() || healthyLeft < quorum) {
                  return Future.failedFuture(
                      UptimeMeshException.conflict(
                          "removing etcd member "
                              + name(target.member())
                              + " would cost the cluster its quorum: "
                              + healthyLeft
                              + " healthy of "
                              + votersLeft.size()
                              + " voting members would be left, "
                              + quorum
                              + " needed"));
                }
              }
              return calls
                  .once("remove etcd member " + hex(id), () -> cluster.removeMember(id))
                  .map(target.member());
            });
  }

  /** The {@code --initial-cluster} value etcd expects from a member joining {@code members}. */
  static String initialCluster(List<Member> members, long newId, String newName) {
    List<String> parts = new ArrayList<>();
    for (Member m : members) {
      String name = m.id() == newId ? newName : m.name();
      for (String url : m.peerUrls()) {
        parts.add(name + "=" + url);
      }
    }
    return parts.stream().sorted().collect(Collectors.joining(","));
  }

  private Admission admission(Member added, String name, List<Member> members, boolean fresh) {
    List<String> clientUrls =
        members.stream()
            .filter(m -> m.id() != added.id() && !m.learner())
            .flatMap(m -> m.clientUrls().stream())
            .toList();
    return new Admission(added, initialCluster(members, added.id(), name), clientUrls, fresh);
  }

  private Future<MemberStatus> status(Member m) {
    if (m.clientUrls().isEmpty()) {
      return Future.succeededFuture(down(m, "not started yet (a learner that has not joined)"));
    }
    String target = m.clientUrls().get(0);
    return calls
        .idempotent("status of etcd member " + name(m), () -> maintenance.statusMember(target))
        .map(r -> up(m, r))
        .otherwise(t -> down(m, t.getMessage()));
  }

  private static MemberStatus up(Member m, StatusResponse r) {
    return new MemberStatus(
        m,
        r.getErrorList().isEmpty(),
        r.getLeader() == m.id(),
        r.getDbSize(),
        r.getDbSizeInUse(),
        r.getRaftTerm(),
        r.getRaftIndex(),
        r.getVersion(),
        List.copyOf(r.getErrorList()),
        Optional.empty());
  }

  private static MemberStatus down(Member m, String why) {
    return new MemberStatus(m, false, false, 0, 0, 0, 0, "", List.of(), Optional.of(why));
  }

  private static String name(Member m) {
    return m.name().isEmpty() ? m.idHex() : m.name() + " (" + m.idHex() + ")";
  }

  private static Member member(io.etcd.jetcd.cluster.Member m) {
    return new Member(
        m.getId(),
        m.getName(),
        m.getPeerURIs().stream().map(URI::toString).toList(),
        m.getClientURIs().stream().map(URI::toString).toList(),
        m.isLearner());
  }
}
