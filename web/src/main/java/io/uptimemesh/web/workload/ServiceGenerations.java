package io.uptimemesh.web.workload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.uptimemesh.core.json.Json;
import io.uptimemesh.core.workload.WorkloadSpec;
import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.EtcdTransaction;
import io.uptimemesh.etcd.KeyLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The kept generations of services' specs ({@code service-generations/{name}/{generation}}, ADR
 * 0014). A copy is stored as the {@link WorkloadSpec}'s own fields plus {@code service}, {@code
 * generation}, {@code created_at_ms}, {@code created_by} and {@code rollback_of}: whoever decodes
 * the key as a plain {@code WorkloadSpec} (as the ADR's table says it is) still can, since unknown
 * fields are ignored, and the history needs no second key.
 */
public final class ServiceGenerations {
  /**
   * How many generations of a service are kept, the current one included, unless {@code
   * WORKLOAD_GENERATIONS_KEPT} says otherwise.
   */
  public static final int DEFAULT_KEPT =
      io.uptimemesh.core.config.RuntimeSettings.DEFAULT_WORKLOAD_GENERATIONS_KEPT;

  /**
   * One kept generation.
   *
   * @param rollbackOf the generation whose spec a rollback copied into this one, 0 if none
   */
  public record Copy(
      String service,
      long generation,
      long createdAtMs,
      String createdBy,
      long rollbackOf,
      WorkloadSpec spec) {}

  private ServiceGenerations() {}

  /**
   * Adds the writes of a new generation to {@code tx}: its copy, and the deletion of every copy
   * that falls out of the last {@code kept} (one range delete, however many there are).
   */
  public static EtcdTransaction write(EtcdTransaction tx, KeyLayout keys, Copy copy, int kept) {
    tx.put(keys.serviceGeneration(copy.service(), copy.generation()), document(copy));
    long oldestKept = copy.generation() - kept + 1;
    if (oldestKept > 0) {
      tx.deleteRange(
          keys.serviceGenerationsPrefix(copy.service()),
          keys.serviceGeneration(copy.service(), oldestKept));
    }
    return tx;
  }

  /** Adds the deletion of every copy of {@code service} to {@code tx} (the service goes). */
  public static EtcdTransaction deleteAll(EtcdTransaction tx, KeyLayout keys, String service) {
    String prefix = keys.serviceGenerationsPrefix(service);
    return tx.deleteRange(prefix, KeyLayout.prefixEnd(prefix));
  }

  /** The kept generations of {@code service} in the snapshot, oldest first. */
  static List<Copy> kept(EtcdStore store, CacheSnapshot snapshot, String service) {
    List<Copy> out = new ArrayList<>();
    for (CacheSnapshot.Entry e :
        snapshot.withPrefix(store.layout().serviceGenerationsPrefix(service)).values()) {
      out.add(read(store.decode(e, ObjectNode.class).value()));
    }
    return out;
  }

  /** Generation {@code n} of {@code service} in the snapshot, if kept. */
  static Optional<Copy> find(EtcdStore store, CacheSnapshot snapshot, String service, long n) {
    if (n < 0) {
      return Optional.empty();
    }
    return snapshot
        .get(store.layout().serviceGeneration(service, n))
        .map(e -> read(store.decode(e, ObjectNode.class).value()));
  }

  static ObjectNode document(Copy copy) {
    ObjectNode out = Json.mapper().valueToTree(copy.spec());
    out.put("service", copy.service());
    out.put("generation", copy.generation());
    out.put("created_at_ms", copy.createdAtMs());
    out.put("created_by", copy.createdBy());
    out.put("rollback_of", copy.rollbackOf());
    return out;
  }

  static Copy read(ObjectNode doc) {
    try {
      WorkloadSpec spec = Json.mapper().treeToValue(doc, WorkloadSpec.class);
      return new Copy(
          doc.path("service").asText(),
          doc.path("generation").asLong(),
          doc.path("created_at_ms").asLong(),
          doc.path("created_by").asText(),
          doc.path("rollback_of").asLong(),
          spec);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored generation is not a workload spec", e);
    }
  }
}
