package io.uptimemesh.wireguard.mesh;

import io.uptimemesh.wireguard.CommandRunner;

/**
 * PLACEHOLDER so the agent branch compiles: the real implementation is written on another branch
 * and replaces this file on merge.
 */
public final class LinuxMeshNetwork implements MeshNetwork {
  private final CommandRunner commands;

  public LinuxMeshNetwork(CommandRunner commands) {
    this.commands = commands;
  }

  @Override
  public MeshApplyResult apply(MeshTarget target) {
    throw new UnsupportedOperationException("placeholder");
  }

  @Override
  public MeshObservation observe() {
    throw new UnsupportedOperationException("placeholder");
  }

  @Override
  public void tearDown(String primaryIface, String secondaryIface) {
    throw new UnsupportedOperationException("placeholder");
  }
}
