package io.uptimemesh.wireguard.failover;

/** The two underlay paths a node's mesh traffic can take, each through its own interface. */
public enum MeshPath {
  PRIMARY,
  SECONDARY;

  /** The other path. */
  public MeshPath other() {
    return this == PRIMARY ? SECONDARY : PRIMARY;
  }
}
