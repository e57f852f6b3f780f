package io.uptimemesh.web.discovery;

import io.uptimemesh.core.discovery.EndpointRecord;
import io.uptimemesh.core.discovery.ServiceRecord;
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
import io.uptimemesh.web.workload.ServiceGenerations;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Creates and deletes services; every change is one etcd transaction. */
final class ServiceCatalog {
  static final Duration READ_YOUR_WRITES = Duration.ofSeconds(5);

  /** A created service and its create revision. */
  record Created(ServiceRecord record, long revision) {}

  /** A deleted service and how many endpoints went with it. */
  record Deleted(String name, int endpoints, long revision) {}

  private final EtcdStore store;
  private final WatchCache cache;
  private final Events events;
  private final Clock clock;

  ServiceCatalog(EtcdStore store, WatchCache cache, Events events, Clock clock) {
    this.store = store;
    this.cache = cache;
    this.events = events;
    this.clock = clock;
  }

  /**
   * 409 if it exists; 400 naming the field if the name or description is bad. With a workload spec
   * the service starts at generation 1, whose copy is written in the same transaction.
   *
   * @param workload the checked spec, or null for a discovery-only service
   */
  Future<Created> create(
      String name, String description, WorkloadSpec workload, String user, IdempotencyClaim claim) {
    ServiceRecord record;
    try {
      ServiceRecord plain =
          ServiceRecord.validated(name, description, clock.millis(), Events.user(user));
      record = workload == null ? plain : plain.withWorkload(workload, 1);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    String key = store.layout().service(name);
    EtcdTransaction tx = store.transaction().requireAbsent(key).put(key, record);
    if (workload != null) {
      ServiceGenerations.write(
          tx,
          store.layout(),
          new ServiceGenerations.Copy(
              name, 1, record.createdAtMs(), record.createdBy(), 0, workload),
          // A first generation drops nothing, whatever number is kept.
          ServiceGenerations.DEFAULT_KEPT);
    }
    return tx.claim(claim)
        .commit("create service " + name)
        .compose(
            rev -> {
              if (rev.isEmpty()) {
                throw UptimeMeshException.conflict("service " + name + " exists already");
              }
              events.info(
                  EventCategory.DISCOVERY,
                  "service_created",
                  Events.user(user),
                  Map.of("service", name, "generation", Long.toString(record.generation())));
              return cache
                  .awaitRevision(rev.get(), READ_YOUR_WRITES)
                  .map(v -> new Created(record, rev.get()));
            });
  }

  /**
   * Deletes a service. While it has endpoints: 409 naming their count, unless {@code cascade}, in
   * which case its endpoints and their health records go in the same transaction.
   */
  Future<Deleted> delete(String name, boolean cascade, String user, IdempotencyClaim claim) {
    KeyLayout keys = store.layout();
    // The service first, then its endpoints: an endpoint created after the service was read
    // rewrites the service (EndpointCatalog#create), so the comparison below catches it, and one
    // created before is in the list.
    return store
        .get(keys.service(name), ServiceRecord.class)
        .compose(
            service ->
                store
                    .list(keys.endpointsPrefix(), EndpointRecord.class)
                    .compose(endpoints -> delete(name, cascade, user, claim, service, endpoints)));
  }

  private Future<Deleted> delete(
      String name,
      boolean cascade,
      String user,
      IdempotencyClaim claim,
      Optional<Versioned<ServiceRecord>> service,
      List<Versioned<EndpointRecord>> endpoints) {
    KeyLayout keys = store.layout();
    return Future.succeededFuture()
        .compose(
            nothing -> {
              if (service.isEmpty()) {
                throw UptimeMeshException.notFound("service " + name + " does not exist");
              }
              List<Versioned<EndpointRecord>> own =
                  endpoints.stream().filter(e -> e.value().service().equals(name)).toList();
              if (!own.isEmpty() && !cascade) {
                throw UptimeMeshException.conflict(
                    "service "
                        + name
                        + " has "
                        + own.size()
                        + (own.size() == 1 ? " endpoint" : " endpoints")
                        + ": delete them first or ask for cascade=true");
              }
              EtcdTransaction tx =
                  store
                      .transaction()
                      .requireModRevision(keys.service(name), service.get().modRevision());
              for (Versioned<EndpointRecord> e : own) {
                String id = e.value().id();
                tx.requireModRevision(keys.endpoint(id), e.modRevision())
                    .delete(keys.endpoint(id))
                    .delete(keys.endpointHealth(id));
              }
              // Its kept generations go with it: a new service of this name starts afresh.
              ServiceGenerations.deleteAll(tx, keys, name);
              return tx.delete(keys.service(name))
                  .claim(claim)
                  .commit("delete service " + name)
                  .compose(
                      rev -> {
                        if (rev.isEmpty()) {
                          throw UptimeMeshException.conflict(
                              "service " + name + " or its endpoints changed meanwhile; try again");
                        }
                        events.info(
                            EventCategory.DISCOVERY,
                            "service_deleted",
                            Events.user(user),
                            Map.of("service", name, "endpoints", Integer.toString(own.size())));
                        return cache
                            .awaitRevision(rev.get(), READ_YOUR_WRITES)
                            .map(v -> new Deleted(name, own.size(), rev.get()));
                      });
            });
  }
}
