package io.uptimemesh.etcd.leader;

/**
 * Proof of leadership for one term: the election key this core node holds and the revision at which
 * it was created. A leader-only write adds {@link
 * io.uptimemesh.etcd.EtcdTransaction#fencedBy(Fence)} to its transaction, so the write fails once
 * the key is gone (lease expired, resigned) or was re-created for another term: a deposed leader
 * cannot write.
 *
 * @param electionKey the full etcd key created by this node's campaign
 * @param createRevision that key's create revision
 */
public record Fence(String electionKey, long createRevision) {}
