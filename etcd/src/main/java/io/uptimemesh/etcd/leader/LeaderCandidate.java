package io.uptimemesh.etcd.leader;

/**
 * What a core node says about itself when it campaigns: the proposal value stored in its election
 * key, read by every node that wants to know who leads.
 *
 * @param name the core node's name (its etcd member name, or its hostname)
 * @param apiUrl where its HTTP API answers, e.g. {@code http://10.0.0.1:8010}
 * @param sinceMs when it started campaigning, epoch milliseconds
 */
public record LeaderCandidate(String name, String apiUrl, long sinceMs) {}
