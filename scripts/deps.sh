#!/usr/bin/env bash
# Installs what UptimeMesh needs on a Debian machine, only where it is missing.
# Sourced by install.sh and scripts/test-all.sh; safe to run again.

_um_apt_updated=0

_um_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    echo "error: need root (or sudo) to run: $*" >&2; return 1
  fi
}

# um_apt_install PACKAGE... : installs the packages with apt-get (one update per run).
um_apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: apt-get not found; install these by hand: $*" >&2
    return 1
  fi
  if [ "$_um_apt_updated" -eq 0 ]; then
    _um_as_root apt-get update -qq
    _um_apt_updated=1
  fi
  _um_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

_um_java_ok() {
  command -v java >/dev/null 2>&1 || return 1
  local v
  v=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
  [ -n "$v" ] && [ "${v%%.*}" -ge 17 ]
}

# um_install_runtime_deps: JDK 17+, Maven and etcd (server and etcdctl).
um_install_runtime_deps() {
  local need=() fresh_etcd=0
  _um_java_ok || need+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null 2>&1 || need+=(maven)
  if ! command -v etcd >/dev/null 2>&1; then need+=(etcd-server); fresh_etcd=1; fi
  command -v etcdctl >/dev/null 2>&1 || need+=(etcd-client)
  command -v curl >/dev/null 2>&1 || need+=(curl ca-certificates)
  if [ "${#need[@]}" -gt 0 ]; then
    echo "installing: ${need[*]}"
    um_apt_install "${need[@]}"
  fi
  _um_quiet_distro_etcd "$fresh_etcd"
}

# Debian's etcd-server package starts its own etcd.service on 2379/2380 (where systemd runs),
# the ports of the managed etcd. Stop it when we installed the package just now; otherwise say so.
_um_quiet_distro_etcd() {
  command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ] || return 0
  systemctl is-active --quiet etcd 2>/dev/null || return 0
  if [ "$1" -eq 1 ]; then
    echo "stopping and disabling the etcd.service that the etcd-server package started:"
    echo "  uptimemesh server runs and supervises its own etcd member"
    _um_as_root systemctl disable --now etcd
  else
    echo "warning: etcd.service is running (ports 2379/2380 by default). The managed etcd needs its" >&2
    echo "  ports from config.yaml: stop it (systemctl disable --now etcd), change managed_etcd ports," >&2
    echo "  or use it as an external cluster with ETCD_ENDPOINTS=http://127.0.0.1:2379" >&2
  fi
}

# um_install_agent_deps: what the node agent drives: wg and ip, and the userspace wireguard-go
# when the kernel has no WireGuard module.
um_install_agent_deps() {
  local need=()
  command -v wg >/dev/null 2>&1 || need+=(wireguard-tools)
  command -v ip >/dev/null 2>&1 || need+=(iproute2)
  if ! modprobe -n wireguard >/dev/null 2>&1 && ! command -v wireguard-go >/dev/null 2>&1; then
    need+=(wireguard-go)
  fi
  if [ "${#need[@]}" -gt 0 ]; then
    echo "installing: ${need[*]}"
    um_apt_install "${need[@]}"
  fi
}

# um_install_test_deps: the runtime deps plus what the tests drive for real
# (promtool from the prometheus package, ps/kill from procps, wg and the userspace wireguard-go
# for the WireGuard backend's tests, ip for their network namespaces, ping and socat for the
# mesh tests' traffic, named-checkzone from bind9-utils for the discovery zone's checks, knotd/knotc
# and kdig from knot and knot-dnsutils for the discovery tests' real DNS server, and LXD with
# busybox-static, dnsmasq-base and nftables for the LXD client's tests, chromium and chromium-driver
# for the web console's browser tests).
um_install_test_deps() {
  um_install_runtime_deps
  local need=()
  command -v promtool >/dev/null 2>&1 || need+=(prometheus)
  command -v ps >/dev/null 2>&1 || need+=(procps)
  command -v wg >/dev/null 2>&1 || need+=(wireguard-tools)
  command -v wireguard-go >/dev/null 2>&1 || need+=(wireguard-go)
  command -v ip >/dev/null 2>&1 || need+=(iproute2)
  # The mesh ITs send real traffic through the tunnels: ping, and socat as a UDP echo.
  command -v ping >/dev/null 2>&1 || need+=(iputils-ping)
  command -v socat >/dev/null 2>&1 || need+=(socat)
  # core's ZoneRendererCheckzoneIT loads every rendered zone with BIND's checker.
  command -v named-checkzone >/dev/null 2>&1 || need+=(bind9-utils)
  # testkit's KnotServer and agent's DiscoveryKnotIT serve the discovery zone with Knot DNS
  # (knotd and knotc are in /usr/sbin, which a user's PATH may lack).
  command -v knotd >/dev/null 2>&1 || [ -x /usr/sbin/knotd ] || need+=(knot)
  command -v kdig >/dev/null 2>&1 || need+=(knot-dnsutils)
  # The LXD client's ITs run a real LXD (testkit LxdLab): the daemon and lxc, the static busybox
  # its test image is built from, dnsmasq for the bridge's DHCP, and nft for LXD's bridge firewall
  # (without nft or iptables LXD cannot create its bridge).
  command -v lxd >/dev/null 2>&1 || need+=(lxd)
  command -v lxc >/dev/null 2>&1 || need+=(lxd-client)
  dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' || need+=(busybox-static)
  command -v dnsmasq >/dev/null 2>&1 || [ -x /usr/sbin/dnsmasq ] || need+=(dnsmasq-base)
  command -v nft >/dev/null 2>&1 || [ -x /usr/sbin/nft ] || need+=(nftables)
  # The web console's browser tests (launcher UiBrowserIT) drive Debian's chromium with Selenium
  # through Debian's chromedriver (nothing is downloaded at test time).
  [ -x /usr/lib/chromium/chromium ] || need+=(chromium)
  [ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
  if [ "${#need[@]}" -gt 0 ]; then
    echo "installing: ${need[*]}"
    um_apt_install "${need[@]}"
  fi
}
