package io.uptimemesh.lxd;

/**
 * One address of a running container, as LXD reports it in the instance state.
 *
 * @param device the interface inside the container (eth0, lo)
 * @param family inet or inet6
 * @param address the address without prefix
 * @param prefixLength the prefix length (LXD calls it netmask)
 * @param scope global, link or local
 */
public record InstanceAddress(
    String device, String family, String address, int prefixLength, String scope) {
  public boolean isGlobal() {
    return "global".equals(scope);
  }

  public boolean isIpv4() {
    return "inet".equals(family);
  }
}
