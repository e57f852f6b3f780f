package io.uptimemesh.web.identity;

import java.util.Map;

/**
 * What a joining node sends.
 *
 * @param token the join token string
 * @param nodeId the id it asks for
 * @param name human name
 * @param role the role it asks for, or null for the token's
 * @param apiEndpoint its API URL (core nodes), or null
 * @param etcdPeerUrl its etcd peer URL (core nodes), or null
 * @param etcdMemberName the name its etcd member will start with (core nodes), or null for the
 *     node's name
 * @param labels labels, merged over the token's
 * @param csrPem its CSR (Ed25519, CN = node id)
 * @param replace true to replace an existing node with the same id
 */
public record JoinRequest(
    String token,
    String nodeId,
    String name,
    String role,
    String apiEndpoint,
    String etcdPeerUrl,
    String etcdMemberName,
    Map<String, String> labels,
    String csrPem,
    boolean replace) {

  public JoinRequest {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  @Override
  public String toString() {
    return "JoinRequest[nodeId=" + nodeId + ", name=" + name + ", role=" + role + "]";
  }
}
