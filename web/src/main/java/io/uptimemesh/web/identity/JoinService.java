package io.uptimemesh.web.identity;

import io.uptimemesh.core.auth.RandomSecrets;
import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.identity.NodeIds;
import io.uptimemesh.core.identity.NodeRecord;
import io.uptimemesh.core.identity.NodeRef;
import io.uptimemesh.core.identity.TokenRecord;
import io.uptimemesh.core.net.MeshAddressAllocator;
import io.uptimemesh.core.pki.ClusterCa;
import io.uptimemesh.core.pki.CsrValidator;
import io.uptimemesh.core.pki.Fingerprints;
import io.uptimemesh.core.pki.Pem;
import io.uptimemesh.core.pki.ValidatedCsr;
import io.uptimemesh.core.token.JoinToken;
import io.uptimemesh.core.token.NodeRole;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.EtcdTransaction;
import io.uptimemesh.etcd.IdempotencyClaim;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.Versioned;
import io.uptimemesh.etcd.WatchCache;
import io.vertx.core.Future;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits a node: checks the token and the CSR, signs a certificate, allocates a mesh address, and
 * writes it all in one transaction that also consumes a use of the token. The transaction compares
 * the token's revision, so two joins racing for its last use cannot both succeed: the loser
 * re-reads, finds no use left, and gets a 401.
 */
public final class JoinService {
  private static final Logger log = LoggerFactory.getLogger(JoinService.class);
  private static final int ATTEMPTS = 10;
  private static final long BACKOFF_MS = 10;

  /** What the node receives. */
  public record Joined(
      String nodeId, String meshIp, String certificatePem, String caPem, long certNotAfterMs) {}

  private final io.vertx.core.Vertx vertx;
  private final EtcdStore store;
  private final WatchCache cache;
  private final ClusterAuthority authority;
  private final IdentityConfig config;
  private final MeshAddressAllocator addresses;
  private final io.uptimemesh.core.events.Events events;

  /** Joins in progress per token on this core node; see {@link #oneAtATime}. */
  private final Map<String, Future<?>> perToken = new java.util.concurrent.ConcurrentHashMap<>();

  public JoinService(
      io.vertx.core.Vertx vertx,
      EtcdStore store,
      WatchCache cache,
      ClusterAuthority authority,
      IdentityConfig config,
      io.uptimemesh.core.events.Events events) {
    this.vertx = vertx;
    this.events = events;
    this.store = store;
    this.cache = cache;
    this.authority = authority;
    this.config = config;
    this.addresses = new MeshAddressAllocator(config.meshCidr());
  }

  /**
   * Joins a node.
   *
   * @return the node's certificate, the CA and its mesh address; fails with 400 (bad request or
   *     CSR), 401 (bad, expired or used-up token), 403 (token may not replace), 409 (node exists
   *     without --replace), 503 (etcd unavailable). Nothing is written unless it succeeds.
   */
  public Future<Joined> join(JoinRequest request, IdempotencyClaim claim) {
    JoinToken token;
    ValidatedCsr csr;
    try {
      token = JoinToken.parse(request.token());
      NodeIds.validate(request.nodeId());
      validateName(request.name());
      Labels.validate(request.labels());
      Urls.validateOptional("api_endpoint", request.apiEndpoint());
      Urls.validateOptional("etcd_peer_url", request.etcdPeerUrl());
      csr = CsrValidator.validate(request.csrPem(), request.nodeId());
    } catch (UptimeMeshException e) {
      return Future.failedFuture(e);
    }
    return oneAtATime(
        token.id(), () -> attempt(request, token, csr, new java.util.HashSet<>(), 1, claim));
  }

  /**
   * Runs the joins of one token one after another on this core node. Every join with a token
   * compares the token's revision, so concurrent joins with a multi-use token would make all but
   * one retry, again and again (measured: 16 at once exhausted 8 attempts). Queued, they do not
   * collide here; only joins through other core nodes can, and retries absorb those.
   */
  private Future<Joined> oneAtATime(
      String tokenId, java.util.function.Supplier<Future<Joined>> work) {
    @SuppressWarnings("unchecked")
    Future<Joined>[] mine = new Future[1];
    perToken.compute(
        tokenId,
        (id, previous) -> {
          Future<?> before = previous == null ? Future.succeededFuture() : previous;
          mine[0] = before.transform(ignored -> work.get());
          return mine[0];
        });
    mine[0].onComplete(ar -> perToken.remove(tokenId, mine[0]));
    return mine[0];
  }

  private Future<Joined> attempt(
      JoinRequest request,
      JoinToken token,
      ValidatedCsr csr,
      Set<String> tried,
      int n,
      IdempotencyClaim claim) {
    KeyLayout keys = store.layout();
    Future<Optional<Versioned<TokenRecord>>> tokenRead =
        store.get(keys.token(token.id()), TokenRecord.class);
    Future<Optional<Versioned<NodeRecord>>> nodeRead =
        store.get(keys.node(request.nodeId()), NodeRecord.class);
    return Future.all(tokenRead, nodeRead)
        .compose(
            both -> {
              Versioned<TokenRecord> tok = checkToken(tokenRead.result(), token, request);
              Optional<Versioned<NodeRecord>> existing = nodeRead.result();
              checkReplace(existing, tok.value(), request);
              return write(request, csr, tok, existing, tried, claim);
            })
        .compose(
            joined -> {
              if (joined.isPresent()) {
                return Future.succeededFuture(joined.get());
              }
              if (n >= ATTEMPTS) {
                return Future.failedFuture(
                    new UptimeMeshException(
                        ErrorCode.CONFLICT,
                        "join of " + request.nodeId() + " kept colliding; try again"));
              }
              // Someone changed the token, the node or took the address: re-read and decide again,
              // after a jittered pause so joins through several core nodes fall out of step.
              long delay =
                  BACKOFF_MS * n
                      + java.util.concurrent.ThreadLocalRandom.current().nextLong(BACKOFF_MS * n);
              return Future.<Void>future(p -> vertx.setTimer(delay, id -> p.complete()))
                  .compose(v -> attempt(request, token, csr, tried, n + 1, claim));
            });
  }

  private Future<Optional<Joined>> write(
      JoinRequest request,
      ValidatedCsr csr,
      Versioned<TokenRecord> tok,
      Optional<Versioned<NodeRecord>> existing,
      Set<String> tried,
      IdempotencyClaim claim) {
    KeyLayout keys = store.layout();
    ClusterCa ca = authority.ca();
    Instant now = config.clock().instant();
    String meshIp =
        existing
            .map(e -> e.value().meshIp())
            .orElseGet(() -> allocateAddress(request.nodeId(), tried));
    // If this attempt loses, the watch cache may not show the winner's address yet: skip it.
    tried.add(meshIp);
    X509Certificate cert = ca.issue(csr, config.nodeCertValidity(), now);
    String fingerprint = Fingerprints.sha256(cert);
    Map<String, String> labels = new HashMap<>(tok.value().labels());
    labels.putAll(request.labels());
    NodeRecord node =
        new NodeRecord(
            request.nodeId(),
            request.name(),
            tok.value().role(),
            labels,
            request.apiEndpoint(),
            request.etcdPeerUrl(),
            meshIp,
            Pem.certificate(cert),
            fingerprint,
            cert.getNotAfter().getTime(),
            now.toEpochMilli(),
            false,
            0);
    EtcdTransaction tx =
        store
            .transaction()
            .requireModRevision(keys.token(tok.value().id()), tok.modRevision())
            .put(keys.token(tok.value().id()), tok.value().withUsesLeft(tok.value().usesLeft() - 1))
            .requireAbsent(keys.fingerprint(fingerprint))
            .put(keys.fingerprint(fingerprint), new NodeRef(request.nodeId()))
            .put(keys.node(request.nodeId()), node);
    if (existing.isPresent()) {
      NodeRecord old = existing.get().value();
      tx.requireModRevision(keys.node(request.nodeId()), existing.get().modRevision())
          .delete(keys.fingerprint(old.certFingerprint()))
          .delete(keys.alive(request.nodeId()));
    } else {
      tx.requireAbsent(keys.node(request.nodeId()))
          .requireAbsent(keys.meshIp(meshIp))
          .put(keys.meshIp(meshIp), new NodeRef(request.nodeId()));
    }
    return tx.claim(claim)
        .commit("join " + request.nodeId())
        .compose(
            committed ->
                committed.isEmpty()
                    ? Future.succeededFuture(committed)
                    : cache
                        .awaitRevision(committed.get(), IdentityConfig.READ_YOUR_WRITES)
                        .map(committed))
        .map(
            committed ->
                committed.map(
                    rev -> {
                      log.info(
                          "node {} joined as {} with mesh address {} (token {}{})",
                          request.nodeId(),
                          node.role(),
                          meshIp,
                          tok.value().id(),
                          existing.isPresent() ? ", replacing the previous identity" : "");
                      recordJoin(node, tok.value(), existing.isPresent());
                      return new Joined(
                          request.nodeId(),
                          meshIp,
                          node.certificatePem(),
                          Pem.certificate(ca.certificate()),
                          node.certNotAfterMs());
                    }));
  }

  private void recordJoin(NodeRecord node, TokenRecord token, boolean replaced) {
    String actor = io.uptimemesh.core.events.Events.node(node.nodeId());
    events.info(
        io.uptimemesh.core.events.EventCategory.NODE,
        "joined",
        actor,
        Map.of(
            "node_id", node.nodeId(),
            "name", node.name(),
            "role", node.role(),
            "mesh_ip", node.meshIp(),
            "token_id", token.id(),
            "replaced", Boolean.toString(replaced)));
    events.info(
        io.uptimemesh.core.events.EventCategory.TOKEN,
        "used",
        actor,
        Map.of(
            "token_id", token.id(),
            "node_id", node.nodeId(),
            "uses_left", Integer.toString(token.usesLeft() - 1)));
  }

  /**
   * Checks {@code request}'s token as the join will (secret, expiry, uses left, role asked) without
   * using it: for work that must only happen for a valid token, before the join itself.
   *
   * @return the token's record; fails with the join's own 400/401/403
   */
  public Future<TokenRecord> verifiedToken(JoinRequest request) {
    JoinToken token;
    try {
      token = JoinToken.parse(request.token());
    } catch (UptimeMeshException e) {
      return Future.failedFuture(e);
    }
    return store
        .get(store.layout().token(token.id()), TokenRecord.class)
        .map(found -> checkToken(found, token, request).value());
  }

  private Versioned<TokenRecord> checkToken(
      Optional<Versioned<TokenRecord>> stored, JoinToken token, JoinRequest request) {
    // One message for unknown id and wrong secret: nothing to learn from probing.
    if (stored.isEmpty()
        || !RandomSecrets.constantTimeEquals(
            stored.get().value().secretHash(), token.secretHash())) {
      throw unauthorized("invalid join token");
    }
    TokenRecord t = stored.get().value();
    if (t.expiresAtMs() <= config.clock().millis()) {
      throw unauthorized("join token " + t.id() + " has expired");
    }
    if (t.usesLeft() <= 0) {
      throw unauthorized("join token " + t.id() + " has no uses left");
    }
    if (request.role() != null && !request.role().isBlank()) {
      String asked = NodeRole.parse(request.role()).wireName();
      if (!asked.equals(t.role())) {
        throw new UptimeMeshException(
            ErrorCode.FORBIDDEN,
            "join token " + t.id() + " is for role " + t.role() + ", not " + asked);
      }
    }
    return stored.get();
  }

  private static void checkReplace(
      Optional<Versioned<NodeRecord>> existing, TokenRecord token, JoinRequest request) {
    if (existing.isEmpty()) {
      return;
    }
    if (!request.replace()) {
      throw UptimeMeshException.conflict(
          "node id "
              + request.nodeId()
              + " is already joined; to replace its identity join with --replace and a token"
              + " that allows it");
    }
    if (!token.allowReplace()) {
      throw new UptimeMeshException(
          ErrorCode.FORBIDDEN,
          "join token " + token.id() + " does not allow replacing node " + request.nodeId());
    }
  }

  private String allocateAddress(String nodeId, Set<String> tried) {
    Set<String> taken =
        cache.snapshot().withPrefix(store.layout().meshIpsPrefix()).keySet().stream()
            .map(KeyLayout::lastSegment)
            .collect(Collectors.toCollection(java.util.HashSet::new));
    taken.addAll(tried);
    return addresses
        .next(taken)
        .orElseThrow(
            () ->
                new UptimeMeshException(
                    ErrorCode.CONFLICT,
                    "no free mesh address left in " + config.meshCidr() + " for " + nodeId));
  }

  private static void validateName(String name) {
    if (name == null
        || name.isBlank()
        || name.length() > 63
        || name.chars().anyMatch(Character::isISOControl)) {
      throw UptimeMeshException.invalid("name must be 1-63 printable characters");
    }
  }

  private static UptimeMeshException unauthorized(String message) {
    return new UptimeMeshException(ErrorCode.UNAUTHORIZED, message);
  }
}
