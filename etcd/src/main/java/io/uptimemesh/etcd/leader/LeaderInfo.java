package io.uptimemesh.etcd.leader;

/**
 * The current leader as every core node observes it.
 *
 * @param name the leader's name
 * @param apiUrl the leader's API URL
 * @param sinceMs when the leader started campaigning, epoch milliseconds (it leads since then or
 *     later)
 * @param term the create revision of the leader's election key: grows with every new leader, and is
 *     the revision its writes are fenced on
 * @param key the leader's election key
 */
public record LeaderInfo(String name, String apiUrl, long sinceMs, long term, String key) {}
