package io.uptimemesh.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.core.discovery.DiscoveryDocument;
import io.uptimemesh.core.discovery.DiscoveryNode;
import io.uptimemesh.core.discovery.EndpointProbe;
import io.uptimemesh.core.discovery.HealthCheck;
import io.uptimemesh.core.discovery.HealthyEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiscoveryFileTest {
  @TempDir Path dir;

  private final DiscoveryDocument doc =
      new DiscoveryDocument(
          DiscoveryDocument.SCHEMA,
          "n1",
          12,
          List.of(
              new EndpointProbe(
                  "db-1", 5, "db", "10.0.0.5", 5432, "tcp", HealthCheck.defaultTcp())),
          java.util.Map.of("db-1", true),
          new DiscoveryDocument.Zone(
              List.of(new DiscoveryNode("n1", "n1", "10.0.0.1")),
              List.of(new HealthyEndpoint("db", "n1", "10.0.0.5", 5432, "tcp", "pg"))));

  @Test
  void aSavedDocumentLoadsBackEqualForItsNodeOnly() throws Exception {
    new DiscoveryFile(dir).save(doc);
    assertThat(new DiscoveryFile(dir).load("n1")).contains(doc);
    assertThat(new DiscoveryFile(dir).load("n2")).isEmpty();
  }

  @Test
  void aTamperedFileIsIgnored() throws Exception {
    DiscoveryFile file = new DiscoveryFile(dir);
    file.save(doc);
    Files.writeString(file.file(), Files.readString(file.file()).replace("10.0.0.5", "10.0.0.6"));
    assertThat(file.load("n1")).isEmpty();
  }
}
