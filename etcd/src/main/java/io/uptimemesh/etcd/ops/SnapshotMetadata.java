package io.uptimemesh.etcd.ops;

/**
 * What {@code <id>.json} records about one snapshot file. Written last and atomically: a snapshot
 * is listed only once this file exists, so a crash never leaves a half snapshot listed.
 *
 * @param schemaVersion version of this document
 * @param id the snapshot id ({@link SnapshotId})
 * @param createdAt when the snapshot was started, ISO-8601 UTC
 * @param revision the etcd revision the snapshot holds (from {@code etcdctl snapshot status}), or
 *     the cluster revision read just before the snapshot when that tool is not available
 * @param totalKeys keys in the snapshot (every prefix), or -1 when unknown
 * @param size bytes of {@code <id>.db}
 * @param sha256 hex SHA-256 of {@code <id>.db}, also in {@code <id>.db.sha256}
 * @param node the core node (etcd member name) that took it
 * @param etcdVersion the version of the etcd member that streamed it
 * @param durationMs how long streaming and writing took
 */
public record SnapshotMetadata(
    int schemaVersion,
    String id,
    String createdAt,
    long revision,
    long totalKeys,
    long size,
    String sha256,
    String node,
    String etcdVersion,
    long durationMs) {
  public static final int SCHEMA_VERSION = 1;
}
