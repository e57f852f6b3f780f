package io.uptimemesh.core.identity;

import java.util.Map;

/**
 * A join token as stored: the SHA-256 of its secret, never the secret.
 *
 * @param id public id (also in the token string)
 * @param secretHash SHA-256 hex of the secret
 * @param role the role a node joining with it gets: worker, core or gateway
 * @param usesLeft joins still allowed; a join consumes one in the same transaction
 * @param expiresAtMs epoch milliseconds
 * @param labels labels given to nodes that join with it
 * @param allowReplace whether it may replace an existing node id
 * @param createdBy username, or "bootstrap"
 * @param createdAtMs epoch milliseconds
 */
public record TokenRecord(
    String id,
    String secretHash,
    String role,
    int usesLeft,
    long expiresAtMs,
    Map<String, String> labels,
    boolean allowReplace,
    String createdBy,
    long createdAtMs) {

  public TokenRecord {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  public TokenRecord withUsesLeft(int n) {
    return new TokenRecord(
        id, secretHash, role, n, expiresAtMs, labels, allowReplace, createdBy, createdAtMs);
  }
}
