package io.uptimemesh.web.discovery;

import io.uptimemesh.core.discovery.EndpointRecord;
import io.uptimemesh.core.discovery.HealthCheck;
import io.uptimemesh.core.discovery.ServiceRecord;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.events.EventCategory;
import io.uptimemesh.core.events.Events;
import io.uptimemesh.core.identity.NodeRecord;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.IdempotencyClaim;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.Versioned;
import io.uptimemesh.etcd.WatchCache;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Creates and deletes endpoints; every change is one etcd transaction. */
final class EndpointCatalog {
  /**
   * What a user asked for; numbers and strings may be null (defaults).
   *
   * @param check null for a default TCP check
   */
  record Request(
      String id,
      String service,
      String nodeId,
      String address,
      Integer port,
      String protocol,
      String portName,
      HealthCheck check) {}

  /** A created endpoint and its create revision. */
  record Created(EndpointRecord record, long revision) {}

  private final EtcdStore store;
  private final WatchCache cache;
  private final Events events;
  private final Clock clock;

  EndpointCatalog(EtcdStore store, WatchCache cache, Events events, Clock clock) {
    this.store = store;
    this.cache = cache;
    this.events = events;
    this.clock = clock;
  }

  /**
   * Creates an endpoint: 400 naming the field, 404 if the service or node does not exist, 409 if
   * the node is revoked or the id is taken. The transaction compares that the service and the node
   * are unchanged since read and that the id is free, and rewrites the service unchanged (see
   * {@link ServiceCatalog#delete}).
   */
  Future<Created> create(Request in, String user, IdempotencyClaim claim) {
    if (in.nodeId() != null && !validNodeId(in.nodeId())) {
      // Before the default id is made of it, which would be named instead.
      return Future.failedFuture(
          UptimeMeshException.invalid(
              "node_id must be a node id: 1-63 lower-case letters, digits and hyphens"));
    }
    HealthCheck check = in.check() == null ? defaultCheck(in.protocol()) : in.check();
    EndpointRecord probe;
    try {
      // Everything but the address first, so a bad field is named before anything is read.
      probe =
          EndpointRecord.validated(
              in.id(),
              in.service(),
              in.nodeId(),
              in.address() == null ? "127.0.0.1" : in.address(),
              in.port(),
              in.protocol(),
              in.portName(),
              check,
              clock.millis(),
              Events.user(user));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    KeyLayout keys = store.layout();
    String nodeId = in.nodeId();
    Future<Optional<Versioned<ServiceRecord>>> service =
        store.get(keys.service(probe.service()), ServiceRecord.class);
    Future<Optional<Versioned<NodeRecord>>> node = store.get(keys.node(nodeId), NodeRecord.class);
    return Future.all(service, node)
        .compose(
            both -> {
              if (service.result().isEmpty()) {
                throw UptimeMeshException.notFound(
                    "service " + probe.service() + " does not exist");
              }
              if (node.result().isEmpty()) {
                throw UptimeMeshException.notFound("node " + nodeId + " does not exist");
              }
              NodeRecord n = node.result().get().value();
              if (n.revoked()) {
                throw UptimeMeshException.conflict("node " + nodeId + " is revoked");
              }
              String address = in.address();
              if (address == null) {
                if (n.meshIp() == null || n.meshIp().isEmpty()) {
                  throw UptimeMeshException.invalid(
                      "address is required: node " + nodeId + " has no mesh address");
                }
                address = n.meshIp();
              }
              EndpointRecord record =
                  EndpointRecord.validated(
                      in.id(),
                      in.service(),
                      nodeId,
                      address,
                      in.port(),
                      in.protocol(),
                      in.portName(),
                      check,
                      probe.createdAtMs(),
                      probe.createdBy());
              return store
                  .transaction()
                  .requireModRevision(
                      keys.service(record.service()), service.result().get().modRevision())
                  .requireModRevision(keys.node(nodeId), node.result().get().modRevision())
                  .requireAbsent(keys.endpoint(record.id()))
                  .put(keys.endpoint(record.id()), record)
                  // Written again unchanged: its mod revision moves, so a service delete that
                  // read no endpoints before this one was created fails its comparison instead
                  // of leaving this endpoint without a service.
                  .put(keys.service(record.service()), service.result().get().value())
                  .claim(claim)
                  .commit("create endpoint " + record.id())
                  .compose(rev -> created(record, rev, user));
            });
  }

  private Future<Created> created(EndpointRecord record, Optional<Long> rev, String user) {
    if (rev.isEmpty()) {
      // The id is taken, or the service or node changed since read: tell which.
      return store
          .get(store.layout().endpoint(record.id()), EndpointRecord.class)
          .map(
              existing -> {
                if (existing.isPresent()) {
                  throw UptimeMeshException.conflict("endpoint " + record.id() + " exists already");
                }
                throw UptimeMeshException.conflict(
                    "service "
                        + record.service()
                        + " or node "
                        + record.nodeId()
                        + " changed meanwhile; try again");
              });
    }
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("endpoint_id", record.id());
    fields.put("service", record.service());
    fields.put("node_id", record.nodeId());
    fields.put("address", record.address());
    fields.put("port", Integer.toString(record.port()));
    fields.put("protocol", record.protocol());
    events.info(EventCategory.DISCOVERY, "endpoint_created", Events.user(user), fields);
    return cache
        .awaitRevision(rev.get(), ServiceCatalog.READ_YOUR_WRITES)
        .map(v -> new Created(record, rev.get()));
  }

  /** Deletes an endpoint and its health record in one transaction; 404 if absent. */
  Future<Long> delete(String id, String user, IdempotencyClaim claim) {
    if (id == null || !EndpointRecord.ID.matcher(id).matches()) {
      return Future.failedFuture(
          UptimeMeshException.notFound("endpoint " + id + " does not exist"));
    }
    KeyLayout keys = store.layout();
    return store
        .get(keys.endpoint(id), EndpointRecord.class)
        .compose(
            existing -> {
              if (existing.isEmpty()) {
                throw UptimeMeshException.notFound("endpoint " + id + " does not exist");
              }
              EndpointRecord e = existing.get().value();
              return store
                  .transaction()
                  .requireModRevision(keys.endpoint(id), existing.get().modRevision())
                  .delete(keys.endpoint(id))
                  .delete(keys.endpointHealth(id))
                  .claim(claim)
                  .commit("delete endpoint " + id)
                  .compose(
                      rev -> {
                        if (rev.isEmpty()) {
                          throw UptimeMeshException.conflict(
                              "endpoint " + id + " changed meanwhile; try again");
                        }
                        events.info(
                            EventCategory.DISCOVERY,
                            "endpoint_deleted",
                            Events.user(user),
                            Map.of(
                                "endpoint_id", id,
                                "service", e.service(),
                                "node_id", e.nodeId()));
                        return cache
                            .awaitRevision(rev.get(), ServiceCatalog.READ_YOUR_WRITES)
                            .map(v -> rev.get());
                      });
            });
  }

  /** A udp endpoint can only be checked by {@code none}; tcp gets a TCP connect. */
  private static HealthCheck defaultCheck(String protocol) {
    HealthCheck tcp = HealthCheck.defaultTcp();
    if (protocol != null && protocol.equalsIgnoreCase("udp")) {
      return new HealthCheck(
          HealthCheck.NONE,
          null,
          tcp.intervalMs(),
          tcp.timeoutMs(),
          tcp.failureThreshold(),
          tcp.successThreshold());
    }
    return tcp;
  }

  private static boolean validNodeId(String id) {
    try {
      io.uptimemesh.core.identity.NodeIds.validate(id);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
