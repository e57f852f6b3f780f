package io.uptimemesh.core.identity;

/**
 * A login session, stored under the SHA-256 of its token (never the token) on an etcd lease that
 * ends it.
 *
 * @param username who logged in
 * @param createdAtMs epoch milliseconds
 * @param expiresAtMs epoch milliseconds; checked on every use as well as by the lease
 */
public record SessionRecord(String username, long createdAtMs, long expiresAtMs) {}
