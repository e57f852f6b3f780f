package io.uptimemesh.core.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EtcdMemberSpecTest {

  @Test
  void singleMemberCommandListensOnLoopbackWithCompactionAndQuota() {
    EtcdMemberSpec spec =
        EtcdMemberSpec.singleMember(
            "core-1", Path.of("/d/etcd"), 12379, 12380, "periodic", "1h", 1024);

    assertThat(spec.command("/usr/bin/etcd"))
        .startsWith("/usr/bin/etcd")
        .contains(
            "--name=core-1",
            "--data-dir=/d/etcd",
            "--listen-client-urls=http://127.0.0.1:12379",
            "--advertise-client-urls=http://127.0.0.1:12379",
            "--listen-peer-urls=http://127.0.0.1:12380",
            "--initial-cluster=core-1=http://127.0.0.1:12380",
            "--initial-cluster-state=new",
            "--auto-compaction-mode=periodic",
            "--auto-compaction-retention=1h",
            "--quota-backend-bytes=1024",
            "--logger=zap");
  }

  @Test
  void initialClusterIsSortedAndJoiningUsesExistingState() {
    EtcdMemberSpec spec =
        new EtcdMemberSpec(
            "b",
            Path.of("/d"),
            "127.0.0.1",
            1,
            2,
            Map.of(
                "c",
                "http://127.0.0.3:2380",
                "a",
                "http://127.0.0.1:2380",
                "b",
                "http://127.0.0.1:2"),
            false,
            "revision",
            "1000",
            1);

    assertThat(spec.command("etcd"))
        .contains(
            "--initial-cluster=a=http://127.0.0.1:2380,b=http://127.0.0.1:2,c=http://127.0.0.3:2380",
            "--initial-cluster-state=existing");
  }

  @Test
  void ipv6HostsAreBracketed() {
    EtcdMemberSpec spec =
        new EtcdMemberSpec(
            "a",
            Path.of("/d"),
            "::1",
            1,
            2,
            Map.of("a", "http://[::1]:2"),
            true,
            "periodic",
            "1h",
            1);
    assertThat(spec.clientUrl()).isEqualTo("http://[::1]:1");
  }

  @Test
  void theMemberMustBeInItsInitialCluster() {
    assertThatThrownBy(
            () ->
                new EtcdMemberSpec(
                    "x",
                    Path.of("/d"),
                    "127.0.0.1",
                    1,
                    2,
                    Map.of("a", "http://h:2"),
                    true,
                    "periodic",
                    "1h",
                    1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x");
  }
}
