package io.uptimemesh.core.discovery;

import io.uptimemesh.core.workload.WorkloadSpec;
import java.util.Objects;

/**
 * A service ({@code services/{name}}): the name its endpoints are published under, {@code
 * <name>.svc.<domain>}, and, for a workload (ADR 0014), the spec its replicas run.
 *
 * @param schema {@value #SCHEMA}
 * @param name an RFC 1035 label (lower-case letters, digits, hyphens; at most 63)
 * @param description free text for people, at most 1024 characters; may be empty
 * @param createdAtMs epoch milliseconds
 * @param createdBy who created it: {@code user:<name>}
 * @param workload the spec of the current generation, or null for a discovery-only service (never
 *     scheduled); documents written before workloads existed read as null
 * @param generation the current generation of {@code workload}: 1 for the first spec, one more for
 *     every change; 0 while there is no workload (and in older documents)
 */
public record ServiceRecord(
    int schema,
    String name,
    String description,
    long createdAtMs,
    String createdBy,
    WorkloadSpec workload,
    long generation) {
  public static final int SCHEMA = 1;
  public static final int MAX_DESCRIPTION = 1024;

  /**
   * The longest name of a service with a workload: 63 (LXD's limit for container names) minus
   * {@code -<5 hex>} (the replica id) minus {@code -prev} (the image-change fallback, ADR 0014).
   */
  public static final int MAX_WORKLOAD_NAME = 63 - 6 - 5;

  public ServiceRecord {
    Objects.requireNonNull(name, "name");
    description = description == null ? "" : description;
    if (workload == null) {
      generation = 0;
    }
  }

  /** A discovery-only service (no workload). */
  public ServiceRecord(
      int schema, String name, String description, long createdAtMs, String createdBy) {
    this(schema, name, description, createdAtMs, createdBy, null, 0);
  }

  /** Checks a new service's name and description, naming the bad field. */
  public static ServiceRecord validated(
      String name, String description, long createdAtMs, String createdBy) {
    DnsNames.requireLabel("name", name);
    if (description != null && description.length() > MAX_DESCRIPTION) {
      throw io.uptimemesh.core.error.UptimeMeshException.invalid(
          "description must be at most " + MAX_DESCRIPTION + " characters");
    }
    return new ServiceRecord(SCHEMA, name, description, createdAtMs, createdBy);
  }

  /** True if the service runs replicas (has a workload spec). */
  public boolean hasWorkload() {
    return workload != null;
  }

  /** This service running {@code spec} as generation {@code newGeneration}. */
  public ServiceRecord withWorkload(WorkloadSpec spec, long newGeneration) {
    Objects.requireNonNull(spec, "spec");
    if (name.length() > MAX_WORKLOAD_NAME) {
      throw io.uptimemesh.core.error.UptimeMeshException.invalid(
          "name: a service with a workload has a name of at most "
              + MAX_WORKLOAD_NAME
              + " characters (its replicas' containers are named <name>-<5 hex digits>, and"
              + " <that>-prev while an image change is under way; LXD allows 63)");
    }
    if (newGeneration < 1) {
      throw new IllegalArgumentException("a workload's generation starts at 1: " + newGeneration);
    }
    return new ServiceRecord(
        schema, name, description, createdAtMs, createdBy, spec, newGeneration);
  }
}
