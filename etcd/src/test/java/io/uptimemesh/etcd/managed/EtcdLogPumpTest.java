package io.uptimemesh.etcd.managed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class EtcdLogPumpTest {

  @Test
  void reducesZapJsonAndCapnslogLinesToLevelAndMessage() {
    String output =
        String.join(
            "\n",
            "{\"level\":\"warn\",\"ts\":\"2026-01-01T00:00:00Z\",\"caller\":\"x.go:1\",\"msg\":\"slow fdatasync\",\"took\":\"1.2s\"}",
            "2026-11-22 09:24:00.079090 W | pkg/fileutil: check file permission",
            "not json at all",
            "");
    EtcdLogPump pump =
        new EtcdLogPump(new ByteArrayInputStream(output.getBytes(StandardCharsets.UTF_8)), 42);

    pump.run();

    assertThat(pump.tail())
        .isEqualTo(
            "WARN slow fdatasync took=1.2s | WARN pkg/fileutil: check file permission | INFO not json at all");
  }

  @Test
  void mapsEveryZapLevel() {
    assertThat(EtcdLogPump.levelOf("debug")).isEqualTo(Level.DEBUG);
    assertThat(EtcdLogPump.levelOf("info")).isEqualTo(Level.INFO);
    assertThat(EtcdLogPump.levelOf("warn")).isEqualTo(Level.WARN);
    assertThat(EtcdLogPump.levelOf("error")).isEqualTo(Level.ERROR);
    assertThat(EtcdLogPump.levelOf("panic")).isEqualTo(Level.ERROR);
    assertThat(EtcdLogPump.levelOf("fatal")).isEqualTo(Level.ERROR);
  }
}
