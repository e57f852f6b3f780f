package io.uptimemesh.web.identity;

import io.uptimemesh.core.auth.PasswordHasher;
import io.uptimemesh.core.auth.RandomSecrets;
import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.identity.CaRecord;
import io.uptimemesh.core.identity.ClusterMeta;
import io.uptimemesh.core.identity.TokenRecord;
import io.uptimemesh.core.identity.UserRecord;
import io.uptimemesh.core.pki.CaKeySealer;
import io.uptimemesh.core.pki.ClusterCa;
import io.uptimemesh.core.pki.Pem;
import io.uptimemesh.core.token.JoinToken;
import io.uptimemesh.core.token.NodeRole;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.IdempotencyClaim;
import io.uptimemesh.etcd.KeyLayout;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First-time initialisation of a cluster: cluster id, CA, the admin account and a join token for
 * the local node, written in one transaction that only succeeds while the cluster has no identity.
 * A second bootstrap changes nothing.
 */
public final class BootstrapService {
  private static final Logger log = LoggerFactory.getLogger(BootstrapService.class);
  public static final String ADMIN = "admin";

  /** What bootstrap hands out once; the password and token are never shown again. */
  public record Result(String clusterId, String adminPassword, String joinToken, String caPin) {
    @Override
    public String toString() {
      return "BootstrapResult[clusterId=" + clusterId + ", caPin=" + caPin + "]";
    }
  }

  private final Vertx vertx;
  private final EtcdStore store;
  private final IdentityConfig config;
  private final PasswordHasher hasher;
  private final io.uptimemesh.etcd.WatchCache cache;
  private final io.uptimemesh.core.events.Events events;

  public BootstrapService(
      Vertx vertx,
      EtcdStore store,
      io.uptimemesh.etcd.WatchCache cache,
      IdentityConfig config,
      PasswordHasher hasher,
      io.uptimemesh.core.events.Events events) {
    this.events = events;
    this.vertx = vertx;
    this.cache = cache;
    this.store = store;
    this.config = config;
    this.hasher = hasher;
  }

  /**
   * Bootstraps the cluster.
   *
   * @return the one-time secrets; fails with 409 {@code conflict} if the cluster already has an
   *     identity (nothing is changed)
   */
  public Future<Result> bootstrap(IdempotencyClaim claim) {
    KeyLayout keys = store.layout();
    // Key generation and Argon2id are CPU-heavy: off the event loop.
    return vertx
        .executeBlocking(this::prepare)
        .compose(
            p ->
                store
                    .transaction()
                    .requireAbsent(keys.clusterMeta())
                    .put(keys.clusterMeta(), p.meta)
                    .put(keys.clusterCa(), p.ca)
                    .put(keys.user(ADMIN), p.admin)
                    .put(keys.token(p.token.id()), p.tokenRecord)
                    .claim(claim)
                    .commit("bootstrap")
                    .compose(
                        committed -> {
                          if (committed.isEmpty()) {
                            return Future.failedFuture(
                                new UptimeMeshException(
                                    ErrorCode.CONFLICT,
                                    "the cluster is already bootstrapped; nothing was changed"));
                          }
                          log.info(
                              "cluster {} bootstrapped; CA pin {}",
                              p.meta.clusterId(),
                              p.token.caPin());
                          recordBootstrap(p);
                          Result result =
                              new Result(
                                  p.meta.clusterId(),
                                  p.password,
                                  p.token.encoded(),
                                  p.token.caPin());
                          return cache
                              .awaitRevision(committed.get(), IdentityConfig.READ_YOUR_WRITES)
                              .map(result);
                        }));
  }

  private void recordBootstrap(Prepared p) {
    events.info(
        io.uptimemesh.core.events.EventCategory.CLUSTER,
        "bootstrapped",
        io.uptimemesh.core.events.Events.SYSTEM,
        Map.of("cluster_id", p.meta.clusterId(), "ca_pin", p.token.caPin(), "admin", ADMIN));
    events.info(
        io.uptimemesh.core.events.EventCategory.TOKEN,
        "created",
        io.uptimemesh.core.events.Events.SYSTEM,
        Map.of(
            "token_id", p.tokenRecord.id(),
            "role", p.tokenRecord.role(),
            "uses", Integer.toString(p.tokenRecord.usesLeft()),
            "expires_at_ms", Long.toString(p.tokenRecord.expiresAtMs())));
  }

  private record Prepared(
      ClusterMeta meta,
      CaRecord ca,
      UserRecord admin,
      String password,
      JoinToken token,
      TokenRecord tokenRecord) {}

  private Prepared prepare() {
    Instant now = config.clock().instant();
    String clusterId = RandomSecrets.token(9);
    ClusterCa ca = ClusterCa.generate(clusterId, config.caValidity(), now);
    CaRecord caRecord =
        new CaRecord(
            Pem.certificate(ca.certificate()),
            CaKeySealer.seal(ca.privateKey(), config.signingKey()),
            ca.pin());
    String password = RandomSecrets.password();
    UserRecord admin =
        new UserRecord(ADMIN, hasher.hash(password.toCharArray()), true, now.toEpochMilli());
    JoinToken token = JoinToken.generate(ca.pin());
    TokenRecord tokenRecord =
        new TokenRecord(
            token.id(),
            token.secretHash(),
            NodeRole.CORE.wireName(),
            1,
            now.plus(config.bootstrapTokenTtl()).toEpochMilli(),
            Map.of(),
            false,
            "bootstrap",
            now.toEpochMilli());
    return new Prepared(
        new ClusterMeta(clusterId, now.toEpochMilli()),
        caRecord,
        admin,
        password,
        token,
        tokenRecord);
  }
}
