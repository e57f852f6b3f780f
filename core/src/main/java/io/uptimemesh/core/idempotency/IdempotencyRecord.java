package io.uptimemesh.core.idempotency;

/**
 * What the control plane remembers of one request sent with an {@code Idempotency-Key}: which
 * request it was and, once answered, its answer. Stored in etcd on a lease (the key's TTL).
 *
 * <p>The claim is written in the same transaction as the change it guards, with {@code status} 0;
 * the answer is added before the response leaves the core node. A record with status 0 therefore
 * means "applied, but the core node that applied it stopped before recording its answer".
 *
 * @param requestHash SHA-256 of method, path and body: a key reused for another request is refused
 * @param status the HTTP status answered, or 0 while not recorded
 * @param sealedBody the response body sealed with {@code SecretBox} (answers may carry secrets
 *     shown once, such as a join token), or null while not recorded
 * @param appliedRevision the etcd revision of the change, or 0 if not known
 * @param createdAtMs epoch milliseconds of the claim
 */
public record IdempotencyRecord(
    String requestHash, int status, String sealedBody, long appliedRevision, long createdAtMs) {

  /** The claim written with the change: applied, answer not recorded yet. */
  public static IdempotencyRecord claim(String requestHash, long createdAtMs) {
    return new IdempotencyRecord(requestHash, 0, null, 0, createdAtMs);
  }

  public boolean answered() {
    return status != 0 && sealedBody != null;
  }

  public IdempotencyRecord answered(int httpStatus, String sealed, long revision) {
    return new IdempotencyRecord(requestHash, httpStatus, sealed, revision, createdAtMs);
  }
}
