package io.uptimemesh.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.core.discovery.DiscoveryNode;
import io.uptimemesh.core.discovery.HealthyEndpoint;
import io.uptimemesh.core.discovery.ZoneRenderer;
import java.util.List;
import org.junit.jupiter.api.Test;

class ZoneFilesTest {
  @Test
  void theSerialOfARenderedZoneReadsBack() {
    for (long serial : List.of(1L, 1_763_000_000L, 4_294_967_295L)) {
      String zone =
          ZoneRenderer.render(
              "mesh.local",
              10,
              serial,
              List.of(new DiscoveryNode("n1", "n1", "10.0.0.1")),
              List.of(new HealthyEndpoint("web", "n1", "10.0.0.1", 80, "tcp", "http")),
              List.of());
      assertThat(ZoneFiles.serial(zone)).hasValue(serial);
    }
  }

  @Test
  void noSoaOrAnOutOfRangeSerialIsNoSerial() {
    assertThat(ZoneFiles.serial(null)).isEmpty();
    assertThat(ZoneFiles.serial("")).isEmpty();
    assertThat(ZoneFiles.serial("$ORIGIN x.\n@ IN NS ns1.x.\n")).isEmpty();
    assertThat(ZoneFiles.serial("@ IN SOA ns1.x. h.x. 9999999999 60 10 3600 10\n")).isEmpty();
  }

  @Test
  void aHandWrittenSoaWithATtlReadsBackToo() {
    assertThat(ZoneFiles.serial("@ 300 IN SOA ns1.x. hostmaster.x. 42 60 10 3600 10\n"))
        .hasValue(42);
  }

  @Test
  void recordsCountsRecordLinesOnly() {
    assertThat(ZoneFiles.records("$ORIGIN x.\n$TTL 10\n@ IN SOA a b 1 2 3 4 5\n@ IN NS ns1\n\n"))
        .isEqualTo(2);
  }
}
