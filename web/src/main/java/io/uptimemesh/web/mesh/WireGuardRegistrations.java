package io.uptimemesh.web.mesh;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.events.EventCategory;
import io.uptimemesh.core.events.Events;
import io.uptimemesh.core.identity.NodeRecord;
import io.uptimemesh.core.mesh.NodeWireGuard;
import io.uptimemesh.core.mesh.WireGuardChecks;
import io.uptimemesh.core.mesh.WireGuardRegistration;
import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.IdempotencyClaim;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.WatchCache;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores what a node reports of its WireGuard side. Idempotent: the same registration again (same
 * generation, keys and endpoints) writes nothing and answers the stored revision; a generation
 * below the stored one is refused (an old agent, or a replayed request, must not roll keys back).
 * The write compares the stored revision, so two registrations racing cannot both win silently.
 */
public final class WireGuardRegistrations {
  private static final Logger log = LoggerFactory.getLogger(WireGuardRegistrations.class);
  private static final Duration READ_YOUR_WRITES = Duration.ofSeconds(5);

  /** What the node is told. */
  public record Registered(String nodeId, long keyGeneration, long revision) {}

  private final EtcdStore store;
  private final WatchCache cache;
  private final Events events;
  private final Clock clock;

  public WireGuardRegistrations(EtcdStore store, WatchCache cache, Events events, Clock clock) {
    this.store = store;
    this.cache = cache;
    this.events = events;
    this.clock = clock;
  }

  /**
   * Parses and checks a registration body (already authenticated).
   *
   * @throws UptimeMeshException (invalid) naming the bad field
   */
  static WireGuardRegistration parse(String nodeId, JsonNode body, long nowMs) {
    JsonNode gen = body.path("key_generation");
    if (!gen.isIntegralNumber() || gen.asLong() < 0) {
      throw UptimeMeshException.invalid("key_generation must be a whole number, 0 or more");
    }
    NodeWireGuard wg =
        new NodeWireGuard(
            text(body, "primary_public_key"),
            text(body, "primary_endpoint"),
            Optional.ofNullable(text(body, "secondary_public_key")),
            Optional.ofNullable(text(body, "secondary_endpoint")));
    WireGuardChecks.check(wg);
    return new WireGuardRegistration(
        WireGuardRegistration.SCHEMA,
        nodeId,
        gen.asLong(),
        wg.primaryPublicKey(),
        wg.primaryEndpoint(),
        wg.secondaryPublicKey().orElse(null),
        wg.secondaryEndpoint().orElse(null),
        nowMs);
  }

  private static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw UptimeMeshException.invalid(field + " must be a string");
    }
    return v.asText();
  }

  /**
   * Stores a registration.
   *
   * @return the stored generation and the revision of the registration; 409 if the generation is
   *     below the stored one or the node is gone, 503 if etcd is unavailable
   */
  public Future<Registered> register(String nodeId, JsonNode body, IdempotencyClaim claim) {
    WireGuardRegistration wanted;
    try {
      wanted = parse(nodeId, body, clock.millis());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    KeyLayout keys = store.layout();
    return store
        .get(keys.nodeWireGuard(nodeId), WireGuardRegistration.class)
        .compose(
            stored -> {
              Optional<WireGuardRegistration> old = stored.map(v -> v.value());
              if (old.isPresent() && wanted.keyGeneration() < old.get().keyGeneration()) {
                throw UptimeMeshException.conflict(
                    "key_generation "
                        + wanted.keyGeneration()
                        + " is below the stored generation "
                        + old.get().keyGeneration()
                        + " of node "
                        + nodeId);
              }
              if (old.isPresent() && old.get().sameAs(wanted)) {
                return Future.succeededFuture(
                    new Registered(nodeId, wanted.keyGeneration(), stored.get().modRevision()));
              }
              var tx = store.transaction();
              tx =
                  stored.isPresent()
                      ? tx.requireModRevision(
                          keys.nodeWireGuard(nodeId), stored.get().modRevision())
                      : tx.requireAbsent(keys.nodeWireGuard(nodeId));
              return tx.put(keys.nodeWireGuard(nodeId), wanted)
                  .claim(claim)
                  .commit("register the WireGuard keys of " + nodeId)
                  .compose(
                      rev -> {
                        if (rev.isEmpty()) {
                          throw UptimeMeshException.conflict(
                              "the WireGuard registration of "
                                  + nodeId
                                  + " changed meanwhile; send it again");
                        }
                        recordEvent(old, wanted);
                        return cache
                            .awaitRevision(rev.get(), READ_YOUR_WRITES)
                            .map(v -> new Registered(nodeId, wanted.keyGeneration(), rev.get()));
                      });
            });
  }

  private void recordEvent(Optional<WireGuardRegistration> old, WireGuardRegistration now) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("node_id", now.nodeId());
    fields.put("key_generation", Long.toString(now.keyGeneration()));
    fields.put("primary_endpoint", now.primaryEndpoint());
    if (now.secondaryEndpoint() != null) {
      fields.put("secondary_endpoint", now.secondaryEndpoint());
    }
    if (old.isEmpty()) {
      log.info("node {} registered its WireGuard keys", now.nodeId());
      events.info(EventCategory.NODE, "wireguard_registered", Events.node(now.nodeId()), fields);
    } else if (now.keysDifferFrom(old.get())) {
      log.info(
          "node {} changed its WireGuard keys (generation {})", now.nodeId(), now.keyGeneration());
      events.info(EventCategory.NODE, "wireguard_keys_changed", Events.node(now.nodeId()), fields);
    }
  }

  /** The stored registration of {@code nodeId} in {@code snapshot}, if any. */
  static Optional<WireGuardRegistration> of(
      EtcdStore store, CacheSnapshot snapshot, String nodeId) {
    return snapshot
        .get(store.layout().nodeWireGuard(nodeId))
        .map(e -> store.decode(e, WireGuardRegistration.class).value());
  }

  /** True if the node exists and is not revoked, in {@code snapshot}. */
  static boolean activeNode(EtcdStore store, CacheSnapshot snapshot, String nodeId) {
    return snapshot
        .get(store.layout().node(nodeId))
        .map(e -> !store.decode(e, NodeRecord.class).value().revoked())
        .orElse(false);
  }
}
