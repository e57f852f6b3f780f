package io.uptimemesh.wireguard.mesh;

/**
 * The node's side of the mesh as the agent sees it: both WireGuard interfaces with their peers,
 * their addresses, and the routes that pick a path. Implementations block (they run {@code wg} and
 * {@code ip}): call them on a worker thread, never on an event loop.
 */
public interface MeshNetwork {
  /**
   * Brings interfaces, peers, addresses and routes to {@code target}, changing only what differs: a
   * second call with the same target changes nothing.
   *
   * @return what was changed, empty if nothing
   */
  MeshApplyResult apply(MeshTarget target);

  /** What is configured now, read from the system ({@code wg show dump}, {@code ip}). */
  MeshObservation observe();

  /** Removes both interfaces and their routes (node revoked, or agent uninstalled). */
  void tearDown(String primaryIface, String secondaryIface);
}
