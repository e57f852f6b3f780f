package io.uptimemesh.web.workload;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.uptimemesh.core.discovery.DnsNames;
import io.uptimemesh.core.discovery.ServiceRecord;
import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.events.EventCategory;
import io.uptimemesh.core.events.Events;
import io.uptimemesh.core.workload.WorkloadSpec;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.EtcdTransaction;
import io.uptimemesh.etcd.IdempotencyClaim;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.Versioned;
import io.uptimemesh.etcd.WatchCache;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies and rolls back services' workload specs. Every change is a new generation, written with
 * its copy (and the deletion of copies no longer kept) in one transaction that compares the
 * service's mod revision; generations only grow.
 */
final class WorkloadCatalog {
  static final Duration READ_YOUR_WRITES = Duration.ofSeconds(5);

  /** Without If-Match, a transaction that lost a race is tried again this many times. */
  private static final int ATTEMPTS = 3;

  /**
   * The outcome of an apply or rollback.
   *
   * @param service the service as it is now
   * @param revision the service's mod revision now (its ETag)
   * @param changed false when the spec was the current one already (nothing written)
   * @param previousGeneration the generation before this change
   */
  record Applied(ServiceRecord service, long revision, boolean changed, long previousGeneration) {}

  private final EtcdStore store;
  private final WatchCache cache;
  private final Events events;
  private final Clock clock;
  private final int kept;

  /**
   * @param kept how many generations of a service are kept ({@code WORKLOAD_GENERATIONS_KEPT})
   */
  WorkloadCatalog(EtcdStore store, WatchCache cache, Events events, Clock clock, int kept) {
    this.store = store;
    this.cache = cache;
    this.events = events;
    this.clock = clock;
    this.kept = kept;
  }

  int kept() {
    return kept;
  }

  /**
   * Makes {@code spec} the service's spec as a new generation; the identical spec writes nothing.
   *
   * @param ifMatch the mod revision the caller saw, or null: 412 if the service has another
   */
  Future<Applied> apply(
      String name, WorkloadSpec spec, Long ifMatch, String user, IdempotencyClaim claim) {
    return change(name, spec, 0, ifMatch, user, claim, ATTEMPTS);
  }

  /**
   * Makes the spec of kept generation {@code to} (null: the one before the current) the spec of a
   * new generation: 409 if the service has no workload, 404 if that generation is not kept.
   */
  Future<Applied> rollback(
      String name, Long to, Long ifMatch, String user, IdempotencyClaim claim) {
    return read(name)
        .compose(
            found -> {
              ServiceRecord s = found.value();
              if (!s.hasWorkload()) {
                throw UptimeMeshException.conflict(
                    "service " + name + " has no workload to roll back (discovery only)");
              }
              long target = to == null ? s.generation() - 1 : to;
              if (target < 1) {
                throw notKept(name, target, kept);
              }
              return store
                  .get(store.layout().serviceGeneration(name, target), ObjectNode.class)
                  .compose(
                      copy -> {
                        if (copy.isEmpty()) {
                          throw notKept(name, target, kept);
                        }
                        WorkloadSpec spec = ServiceGenerations.read(copy.get().value()).spec();
                        return change(name, spec, target, ifMatch, user, claim, ATTEMPTS);
                      });
            });
  }

  private static UptimeMeshException notKept(String name, long generation, int kept) {
    return UptimeMeshException.notFound(
        "generation "
            + generation
            + " of service "
            + name
            + " is not kept (the last "
            + kept
            + " are: see its generations)");
  }

  private Future<Versioned<ServiceRecord>> read(String name) {
    if (name == null || !DnsNames.isLabel(name)) {
      return Future.failedFuture(
          UptimeMeshException.notFound("service " + name + " does not exist"));
    }
    return store
        .get(store.layout().service(name), ServiceRecord.class)
        .map(
            found ->
                found.orElseThrow(
                    () -> UptimeMeshException.notFound("service " + name + " does not exist")));
  }

  private Future<Applied> change(
      String name,
      WorkloadSpec spec,
      long rollbackOf,
      Long ifMatch,
      String user,
      IdempotencyClaim claim,
      int attemptsLeft) {
    KeyLayout keys = store.layout();
    return read(name)
        .compose(
            found -> {
              ServiceRecord current = found.value();
              if (ifMatch != null && ifMatch != found.modRevision()) {
                throw precondition(name, found.modRevision(), ifMatch);
              }
              if (spec.equals(current.workload())) {
                return Future.succeededFuture(
                    new Applied(current, found.modRevision(), false, current.generation()));
              }
              long next = current.generation() + 1;
              ServiceRecord updated = current.withWorkload(spec, next);
              String actor = Events.user(user);
              EtcdTransaction tx =
                  store
                      .transaction()
                      .requireModRevision(keys.service(name), found.modRevision())
                      .put(keys.service(name), updated);
              ServiceGenerations.write(
                  tx,
                  keys,
                  new ServiceGenerations.Copy(name, next, clock.millis(), actor, rollbackOf, spec),
                  kept);
              return tx.claim(claim)
                  .commit((rollbackOf > 0 ? "roll back service " : "apply to service ") + name)
                  .compose(
                      rev -> {
                        if (rev.isEmpty()) {
                          if (ifMatch != null) {
                            throw precondition(name, -1, ifMatch);
                          }
                          if (attemptsLeft > 1) {
                            return change(
                                name, spec, rollbackOf, null, user, claim, attemptsLeft - 1);
                          }
                          throw UptimeMeshException.conflict(
                              "service " + name + " keeps changing meanwhile; try again");
                        }
                        record(name, current.generation(), next, rollbackOf, spec, actor);
                        return cache
                            .awaitRevision(rev.get(), READ_YOUR_WRITES)
                            .map(v -> new Applied(updated, rev.get(), true, current.generation()));
                      });
            });
  }

  private void record(
      String name, long from, long to, long rollbackOf, WorkloadSpec spec, String actor) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("service", name);
    fields.put("generation", Long.toString(to));
    fields.put("previous_generation", Long.toString(from));
    fields.put("image", spec.image());
    fields.put("replicas", Integer.toString(spec.replicas()));
    if (rollbackOf > 0) {
      fields.put("spec_of_generation", Long.toString(rollbackOf));
      events.warning(EventCategory.WORKLOADS, "workload_rolled_back", actor, fields);
    } else {
      events.info(EventCategory.WORKLOADS, "workload_applied", actor, fields);
    }
  }

  private static UptimeMeshException precondition(String name, long actual, long expected) {
    return new UptimeMeshException(
        ErrorCode.PRECONDITION_FAILED,
        "service "
            + name
            + (actual < 0 ? " changed meanwhile" : " is at revision " + actual)
            + ", not "
            + expected
            + " (If-Match): read it again and decide");
  }

  /** The kept generations of a service, oldest first; 404 if the service does not exist. */
  List<ServiceGenerations.Copy> generations(String name) {
    var snapshot = cache.snapshot();
    if (!DnsNames.isLabel(name) || snapshot.get(store.layout().service(name)).isEmpty()) {
      throw UptimeMeshException.notFound("service " + name + " does not exist");
    }
    return ServiceGenerations.kept(store, snapshot, name);
  }

  /** One kept generation; 404 if the service does not exist or the generation is not kept. */
  ServiceGenerations.Copy generation(String name, long n) {
    var snapshot = cache.snapshot();
    if (!DnsNames.isLabel(name) || snapshot.get(store.layout().service(name)).isEmpty()) {
      throw UptimeMeshException.notFound("service " + name + " does not exist");
    }
    Optional<ServiceGenerations.Copy> copy = ServiceGenerations.find(store, snapshot, name, n);
    return copy.orElseThrow(() -> notKept(name, n, kept));
  }
}
