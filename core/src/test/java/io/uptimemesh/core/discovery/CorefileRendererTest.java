package io.uptimemesh.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.UptimeMeshException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CorefileRendererTest {
  @Test
  void rendersTheZoneBlockAndTheForwardBlock() {
    String corefile =
        CorefileRenderer.render(
            "10.42.0.1",
            53,
            "mesh.local",
            "/var/lib/uptimemesh/discovery/mesh.local.zone",
            2,
            List.of("1.1.1.1", "[2606:4700:4700::1111]:53", "9.9.9.9:5353"),
            5);
    assertThat(corefile)
        .isEqualTo(
            String.join(
                "\n",
                "mesh.local.:53 {",
                "    bind 10.42.0.1",
                "    file /var/lib/uptimemesh/discovery/mesh.local.zone mesh.local. {",
                "        reload 2s",
                "    }",
                "    cache 5",
                "    errors",
                "}",
                "",
                ".:53 {",
                "    bind 10.42.0.1",
                "    forward . 1.1.1.1 [2606:4700:4700::1111]:53 9.9.9.9:5353",
                "    cache 5",
                "    errors",
                "}",
                ""));
  }

  @Test
  void noUpstreamsMeansNoForwardBlockAndZeroCacheNoCachePlugin() {
    String corefile =
        CorefileRenderer.render("fd00::1", 5353, "Mesh.Local.", "/z/zone", 1, List.of(), 0, true);
    assertThat(corefile)
        .isEqualTo(
            String.join(
                "\n",
                "mesh.local.:5353 {",
                "    bind fd00::1",
                "    file /z/zone mesh.local. {",
                "        reload 1s",
                "    }",
                "    errors",
                "    log",
                "}",
                ""));
  }

  @ParameterizedTest
  @CsvSource({
    "1.1.1.1,1.1.1.1",
    "1.1.1.1:53,1.1.1.1:53",
    "2001:DB8::1,[2001:db8::1]:53",
    "[2001:db8::1],[2001:db8::1]:53",
    "[2001:db8:0:0::1]:5353,[2001:db8::1]:5353"
  })
  void acceptsUpstreams(String upstream, String rendered) {
    assertThat(CorefileRenderer.requireUpstream(upstream)).isEqualTo(rendered);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "dns.google",
        "1.1.1.1:0",
        "1.1.1.1:65536",
        "1.1.1.1:dns",
        "1.1.1.1:",
        "[1.1.1.1]:53",
        "[2001:db8::1]53",
        "[2001:db8::1",
        "tls://1.1.1.1",
        "1.1.1.1 8.8.8.8"
      })
  void refusesBadUpstreams(String upstream) {
    assertThatThrownBy(() -> CorefileRenderer.requireUpstream(upstream))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageStartingWith("upstream must be");
  }

  @Test
  void refusesBadArguments() {
    assertThatThrownBy(() -> render("mesh-node", 53, "mesh.local", "/z", 1, 0))
        .hasMessageStartingWith("listen address ");
    assertThatThrownBy(() -> render("10.0.0.1", 0, "mesh.local", "/z", 1, 0))
        .hasMessageStartingWith("port ");
    assertThatThrownBy(() -> render("10.0.0.1", 53, "mesh_local", "/z", 1, 0))
        .hasMessageStartingWith("domain ");
    assertThatThrownBy(() -> render("10.0.0.1", 53, "mesh.local", "zone", 1, 0))
        .hasMessageStartingWith("zone path ");
    assertThatThrownBy(() -> render("10.0.0.1", 53, "mesh.local", "/a b/zone", 1, 0))
        .hasMessageStartingWith("zone path ");
    assertThatThrownBy(() -> render("10.0.0.1", 53, "mesh.local", "/a/zone}", 1, 0))
        .hasMessageStartingWith("zone path ");
    assertThatThrownBy(() -> render("10.0.0.1", 53, "mesh.local", null, 1, 0))
        .hasMessageStartingWith("zone path ");
    assertThatThrownBy(() -> render("10.0.0.1", 53, "mesh.local", "/z", 0, 0))
        .hasMessageStartingWith("reload seconds ");
    assertThatThrownBy(() -> render("10.0.0.1", 53, "mesh.local", "/z", 1, -1))
        .hasMessageStartingWith("cache seconds ");
  }

  private static String render(
      String listen, int port, String domain, String path, int reload, int cache) {
    return CorefileRenderer.render(listen, port, domain, path, reload, List.of(), cache);
  }
}
