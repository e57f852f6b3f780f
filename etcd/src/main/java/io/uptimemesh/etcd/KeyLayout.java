package io.uptimemesh.etcd;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The one place that knows how keys are spelled. Every key the control plane reads or writes is
 * built here, under {@code ETCD_PREFIX}; no other class concatenates key strings.
 *
 * <pre>
 * {prefix}/cluster/meta            cluster id; present once bootstrapped
 * {prefix}/cluster/ca              CA certificate and its sealed private key
 * {prefix}/health/probe            read (never written) by the health monitor's quorum probe
 * {prefix}/users/{name}            operator accounts (Argon2id hashes)
 * {prefix}/sessions/{sha256}       login sessions, on a lease
 * {prefix}/tokens/{id}             join tokens (hash of the secret only)
 * {prefix}/nodes/{id}              node identity and current certificate
 * {prefix}/fingerprints/{sha256}   certificate fingerprint → node id (unique)
 * {prefix}/mesh-ips/{ip}           mesh address → node id (unique)
 * {prefix}/alive/{id}              present while the node's liveness lease lives
 * {prefix}/node-status/{id}        last reported status, written on change only
 * {prefix}/idempotency/{sha256}    a request sent with an Idempotency-Key and its answer, on a lease
 * {prefix}/core-servers/{member}   a running core server (API URL, version), on its lease
 * {prefix}/election/leader/{lease} core-node election candidates (jetcd Election); the one with
 *                                  the lowest create revision leads, on its lease
 * {prefix}/locks/{name}/{lease}    cluster-wide locks (jetcd Lock), on the holder's lease
 * {prefix}/node-stale/{id}         since when a node is stale, written by the leader on transitions
 * {prefix}/events/{id}             cluster event log; ids sort like time (EventIds); not in the
 *                                  watch cache (see uncachedPrefixes), pruned by the leader
 * {prefix}/node-wireguard/{id}     a node's WireGuard registration: schema, key generation, public
 *                                  keys, endpoints, updated_at (never a private key)
 * {prefix}/node-wg-rotation/{id}   desired WireGuard key generation of a node, requested_at/by
 * {prefix}/services/{name}         a discovery service (ServiceRecord)
 * {prefix}/endpoints/{id}          an endpoint of a service on a node (EndpointRecord); created
 *                                  and deleted, never changed in place
 * {prefix}/endpoint-health/{id}    the last health verdict of an endpoint's node agent, written on
 *                                  transitions only, on the node's liveness lease
 * {prefix}/service-generations/{name}/{generation}
 *                                  a kept generation of a service's WorkloadSpec (the spec's
 *                                  fields plus generation, created_at_ms, created_by), immutable;
 *                                  generation zero-padded to 19 digits so keys sort by number
 * {prefix}/replicas/{id}           a replica of a service (ReplicaRecord), written by the leader
 * {prefix}/replica-status/{id}     what a replica's node agent observed (ReplicaStatus), on change
 *                                  only, on the node's liveness lease
 * {prefix}/rollouts/{service}      the rollout of a service to its current generation, leader
 * {prefix}/node-scheduling/{id}    cordoned / draining (NodeScheduling); absent = schedulable
 * </pre>
 *
 * Later features add their families here (nodes, tokens, services…).
 */
public final class KeyLayout {
  private static final Pattern PREFIX = Pattern.compile("/[A-Za-z0-9/_.-]*[A-Za-z0-9_.-]");

  private final String prefix;

  /**
   * @param prefix the cluster's key prefix, e.g. {@code /uptimemesh}: starts with a slash, no
   *     trailing slash
   */
  public KeyLayout(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    if (!PREFIX.matcher(prefix).matches() || prefix.contains("//")) {
      throw new IllegalArgumentException(
          "etcd prefix must look like /name (no trailing slash): " + prefix);
    }
    this.prefix = prefix;
  }

  public String prefix() {
    return prefix;
  }

  /** Every key of this cluster starts with this string (the prefix and a slash). */
  public String root() {
    return prefix + "/";
  }

  public String clusterMeta() {
    return root() + "cluster/meta";
  }

  public String healthProbe() {
    return root() + "health/probe";
  }

  public String clusterCa() {
    return root() + "cluster/ca";
  }

  public String user(String username) {
    return usersPrefix() + segment(username);
  }

  public String usersPrefix() {
    return root() + "users/";
  }

  public String session(String tokenHash) {
    return sessionsPrefix() + segment(tokenHash);
  }

  public String token(String id) {
    return tokensPrefix() + segment(id);
  }

  public String tokensPrefix() {
    return root() + "tokens/";
  }

  public String node(String nodeId) {
    return nodesPrefix() + segment(nodeId);
  }

  public String nodesPrefix() {
    return root() + "nodes/";
  }

  public String fingerprint(String sha256) {
    return root() + "fingerprints/" + segment(sha256);
  }

  public String meshIp(String address) {
    return meshIpsPrefix() + segment(address);
  }

  public String meshIpsPrefix() {
    return root() + "mesh-ips/";
  }

  public String alive(String nodeId) {
    return alivePrefix() + segment(nodeId);
  }

  public String alivePrefix() {
    return root() + "alive/";
  }

  public String nodeStatus(String nodeId) {
    return nodeStatusPrefix() + segment(nodeId);
  }

  public String nodeStatusPrefix() {
    return root() + "node-status/";
  }

  public String idempotency(String storageId) {
    return root() + "idempotency/" + segment(storageId);
  }

  public String coreServer(String memberName) {
    return coreServersPrefix() + segment(memberName);
  }

  public String coreServersPrefix() {
    return root() + "core-servers/";
  }

  /** The last segment of a key built by this class, e.g. the node id of a node key. */
  public static String lastSegment(String key) {
    return key.substring(key.lastIndexOf('/') + 1);
  }

  /** One path segment: ids come from users and nodes, and must never reach into another family. */
  private static String segment(String value) {
    if (value == null || value.isEmpty() || value.contains("/") || value.contains("..")) {
      throw new IllegalArgumentException("not a valid key segment: '" + value + "'");
    }
    return value;
  }

  /** True if {@code key} belongs to this cluster's key space. */
  public boolean owns(String key) {
    return key.startsWith(root());
  }

  /**
   * The election name given to jetcd's Election: candidates' keys are this plus {@code
   * /<lease-hex>}.
   */
  public String election() {
    return root() + "election/leader";
  }

  /** Every candidate key of the election lives under this prefix. */
  public String electionPrefix() {
    return election() + "/";
  }

  /** The name given to jetcd's Lock for the one-at-a-time operation {@code name}. */
  public String lock(String name) {
    return root() + "locks/" + segment(name);
  }

  public String nodeStale(String nodeId) {
    return nodeStalePrefix() + segment(nodeId);
  }

  public String nodeStalePrefix() {
    return root() + "node-stale/";
  }

  public String event(String id) {
    return eventsPrefix() + segment(id);
  }

  public String eventsPrefix() {
    return root() + "events/";
  }

  public String nodeWireGuard(String nodeId) {
    return nodeWireGuardPrefix() + segment(nodeId);
  }

  public String nodeWireGuardPrefix() {
    return root() + "node-wireguard/";
  }

  public String nodeWgRotation(String nodeId) {
    return nodeWgRotationPrefix() + segment(nodeId);
  }

  public String nodeWgRotationPrefix() {
    return root() + "node-wg-rotation/";
  }

  public String service(String name) {
    return servicesPrefix() + segment(name);
  }

  public String servicesPrefix() {
    return root() + "services/";
  }

  public String endpoint(String id) {
    return endpointsPrefix() + segment(id);
  }

  public String endpointsPrefix() {
    return root() + "endpoints/";
  }

  public String endpointHealth(String id) {
    return endpointHealthPrefix() + segment(id);
  }

  public String endpointHealthPrefix() {
    return root() + "endpoint-health/";
  }

  /** Generations are zero-padded to this many digits: every non-negative long fits. */
  private static final int GENERATION_DIGITS = 19;

  /** A kept generation of a service's spec; keys of one service sort by generation. */
  public String serviceGeneration(String service, long generation) {
    if (generation < 0) {
      throw new IllegalArgumentException("generation must not be negative: " + generation);
    }
    return serviceGenerationsPrefix(service)
        + String.format(java.util.Locale.ROOT, "%0" + GENERATION_DIGITS + "d", generation);
  }

  /**
   * Every kept generation of one service (mind the trailing slash: {@code web/} not {@code web2/}).
   */
  public String serviceGenerationsPrefix(String service) {
    return serviceGenerationsPrefix() + segment(service) + "/";
  }

  public String serviceGenerationsPrefix() {
    return root() + "service-generations/";
  }

  /** The generation a {@link #serviceGeneration} key names. */
  public static long generationOf(String serviceGenerationKey) {
    return Long.parseLong(lastSegment(serviceGenerationKey));
  }

  public String replica(String id) {
    return replicasPrefix() + segment(id);
  }

  public String replicasPrefix() {
    return root() + "replicas/";
  }

  public String replicaStatus(String id) {
    return replicaStatusPrefix() + segment(id);
  }

  public String replicaStatusPrefix() {
    return root() + "replica-status/";
  }

  public String rollout(String service) {
    return rolloutsPrefix() + segment(service);
  }

  public String rolloutsPrefix() {
    return root() + "rollouts/";
  }

  public String nodeScheduling(String nodeId) {
    return nodeSchedulingPrefix() + segment(nodeId);
  }

  public String nodeSchedulingPrefix() {
    return root() + "node-scheduling/";
  }

  /**
   * Families the watch cache does not mirror. The event log grows to thousands of keys and is read
   * by range and followed by watches of its own; in the cache it would only make every publish (a
   * copy of the map) and every relist (one gRPC message, 4 MiB at most) bigger.
   */
  public java.util.List<String> uncachedPrefixes() {
    return java.util.List.of(eventsPrefix());
  }

  /** Every login session (see {@link #session}). */
  public String sessionsPrefix() {
    return root() + "sessions/";
  }

  /** The first key after every key that starts with {@code prefix}: a range end for it. */
  public static String prefixEnd(String prefix) {
    char last = prefix.charAt(prefix.length() - 1);
    return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
  }
}
