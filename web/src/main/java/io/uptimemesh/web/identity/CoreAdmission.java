package io.uptimemesh.web.identity;

import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.identity.NodeRecord;
import io.uptimemesh.core.token.NodeRole;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.members.EtcdMembers;
import io.vertx.core.Future;
import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The etcd side of a core node's join: before its identity is written, its etcd member is added as
 * a learner (which cannot cost the cluster its quorum, whether or not it ever starts); if the join
 * then fails, the learner is removed again, so a failed join leaves no member behind.
 */
final class CoreAdmission {
  private static final Logger log = LoggerFactory.getLogger(CoreAdmission.class);
  private static final Pattern MEMBER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,63}");

  private final EtcdStore store;
  private final EtcdMembers members;
  private final JoinService joins;

  CoreAdmission(EtcdStore store, EtcdMembers members, JoinService joins) {
    this.store = store;
    this.members = members;
    this.joins = joins;
  }

  /**
   * Adds the learner when {@code request} joins a core node with an etcd peer URL.
   *
   * @return the admission, or empty when the request is not a core join with a member (the join
   *     itself then reports a bad token or role)
   */
  Future<Optional<EtcdMembers.Admission>> admit(JoinRequest request) {
    if (request.etcdPeerUrl() == null || request.etcdPeerUrl().isBlank()) {
      return Future.succeededFuture(Optional.empty());
    }
    String name = request.etcdMemberName() == null ? request.name() : request.etcdMemberName();
    if (name == null || !MEMBER_NAME.matcher(name).matches()) {
      return Future.failedFuture(
          UptimeMeshException.invalid(
              "etcd_member_name must be 1..63 characters of A-Z a-z 0-9 . _ -"));
    }
    try {
      Urls.validateOptional("etcd_peer_url", request.etcdPeerUrl());
    } catch (UptimeMeshException e) {
      return Future.failedFuture(e);
    }
    // Only a valid core token may change etcd's membership: checked first, from etcd, by the
    // token's own role (never the role the caller asks for).
    return joins
        .verifiedToken(request)
        .compose(
            token ->
                token.role().equals(NodeRole.CORE.wireName())
                    ? members.addLearner(name, URI.create(request.etcdPeerUrl())).map(Optional::of)
                    : Future.succeededFuture(Optional.empty()));
  }

  /**
   * Removes a learner this join added, when the join surely wrote nothing: it failed with an error
   * the caller caused, and no node holds this peer URL. A timeout may hide a commit, and a repeat
   * of this join (same idempotency key, another core node) may have succeeded with this very
   * member: then the learner stays. Failures are logged (the operator can remove it).
   */
  Future<Void> undo(
      Optional<EtcdMembers.Admission> admission, Throwable failure, JoinRequest request) {
    if (admission.isEmpty()
        || !admission.get().added()
        || !(failure instanceof UptimeMeshException e)
        || e.errorCode().httpStatus() >= 500) {
      return Future.succeededFuture();
    }
    long id = admission.get().member().id();
    return store
        .get(store.layout().node(request.nodeId()), NodeRecord.class)
        .compose(
            node ->
                node.isPresent() && request.etcdPeerUrl().equals(node.get().value().etcdPeerUrl())
                    ? Future.<Void>succeededFuture()
                    : members.remove(id).<Void>mapEmpty())
        .recover(
            t -> {
              log.warn(
                  "the join failed and its etcd learner {} could not be removed: {} (remove it"
                      + " with uptimemesh etcd-members remove {})",
                  EtcdMembers.hex(id),
                  t.getMessage(),
                  EtcdMembers.hex(id));
              return Future.succeededFuture();
            });
  }
}
