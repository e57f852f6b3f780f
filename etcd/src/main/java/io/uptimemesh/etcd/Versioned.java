package io.uptimemesh.etcd;

/**
 * A value read from etcd together with its revisions. {@code modRevision} is the version the API
 * exposes as ETag and compares on If-Match.
 *
 * @param key the full key
 * @param value the decoded value
 * @param createRevision revision at which the key was created
 * @param modRevision revision of the last change
 */
public record Versioned<T>(String key, T value, long createRevision, long modRevision) {}
