package io.uptimemesh.core.discovery;

import java.util.Objects;

/**
 * A service ({@code services/{name}}): the name its endpoints are published under, {@code
 * <name>.svc.<domain>}. The workloads issue adds its spec (image, replicas…) to this document.
 *
 * @param schema {@value #SCHEMA}
 * @param name an RFC 1035 label (lower-case letters, digits, hyphens; at most 63)
 * @param description free text for people, at most 1024 characters; may be empty
 * @param createdAtMs epoch milliseconds
 * @param createdBy who created it: {@code user:<name>}
 */
public record ServiceRecord(
    int schema, String name, String description, long createdAtMs, String createdBy) {
  public static final int SCHEMA = 1;
  public static final int MAX_DESCRIPTION = 1024;

  public ServiceRecord {
    Objects.requireNonNull(name, "name");
    description = description == null ? "" : description;
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
}
