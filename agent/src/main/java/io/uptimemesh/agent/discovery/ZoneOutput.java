package io.uptimemesh.agent.discovery;

import io.uptimemesh.core.config.AgentDiscoverySettings;
import io.uptimemesh.core.config.AtomicFiles;
import io.uptimemesh.core.discovery.CorefileRenderer;
import io.uptimemesh.core.discovery.DiscoveryDocument;
import io.uptimemesh.core.discovery.HealthyEndpoint;
import io.uptimemesh.core.discovery.ZoneRenderer;
import io.uptimemesh.core.discovery.ZoneSerial;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

/**
 * Renders the zone and the Corefile and writes what changed, atomically ({@link AtomicFiles}:
 * temporary file in the same directory, fsync, rename, fsync of the directory). The serial moves
 * only when the zone's content digest changed; the first run reads the serial back from the zone
 * file a previous run wrote, so serials keep increasing across restarts, and writes nothing if that
 * file already holds exactly this content. Blocking: call on a worker, one run at a time.
 */
final class ZoneOutput {
  /** Seconds between CoreDNS's checks of the zone file's serial. */
  static final int RELOAD_SECONDS = 2;

  /** What a run found and did. */
  record Written(
      long serial,
      int nodes,
      int services,
      int endpoints,
      int records,
      boolean zoneWritten,
      boolean corefileWritten) {
    boolean anything() {
      return zoneWritten || corefileWritten;
    }
  }

  private final AgentDiscoverySettings settings;
  private final Path zonePath;
  private final Path corefilePath;
  private boolean readBack;
  private long serial = -1;
  private String zoneDigest;
  private String zoneText;
  private String corefileText;

  ZoneOutput(AgentDiscoverySettings settings) {
    this.settings = settings;
    this.zonePath = settings.zonePath().toAbsolutePath().normalize();
    this.corefilePath = settings.corefilePath().toAbsolutePath().normalize();
  }

  Path zonePath() {
    return zonePath;
  }

  Path corefilePath() {
    return corefilePath;
  }

  /**
   * One run.
   *
   * @param meshAddress this node's mesh address: the name server and listen address unless the
   *     settings name them
   * @throws io.uptimemesh.core.error.UptimeMeshException when the zone or Corefile cannot be
   *     rendered (nothing is written)
   */
  Written write(DiscoveryDocument.Zone zone, String meshAddress, Instant now) throws IOException {
    io.uptimemesh.core.config.DiscoverySettings served = settings.served();
    List<String> nameservers =
        served.nameservers().isEmpty() && meshAddress != null
            ? List.of(meshAddress)
            : served.nameservers();
    String listen = settings.listen().orElse(meshAddress);
    if (listen == null) {
      throw io.uptimemesh.core.error.UptimeMeshException.invalid(
          "no listen address: this node has no mesh address yet and RUNTIME_DISCOVERY_LISTEN is"
              + " empty");
    }
    String corefile =
        CorefileRenderer.render(
            listen,
            served.port(),
            served.domain(),
            zonePath.toString(),
            RELOAD_SECONDS,
            served.upstreams(),
            served.ttlSeconds());
    String digest =
        ZoneRenderer.contentDigest(
            served.domain(), served.ttlSeconds(), zone.nodes(), zone.endpoints(), nameservers);
    if (!readBack) {
      zoneText = readOrNull(zonePath);
      corefileText = readOrNull(corefilePath);
      OptionalLong previous = ZoneFiles.serial(zoneText);
      serial = previous.isPresent() ? previous.getAsLong() : -1;
      readBack = true;
    }
    boolean zoneWritten = false;
    if (!digest.equals(zoneDigest)) {
      String same = serial < 0 ? null : render(zone, nameservers, serial);
      if (same == null || !same.equals(zoneText)) {
        long next = ZoneSerial.next(serial, now);
        String text = render(zone, nameservers, next);
        AtomicFiles.write(zonePath, text.getBytes(StandardCharsets.UTF_8));
        serial = next;
        zoneText = text;
        zoneWritten = true;
      }
      zoneDigest = digest;
    }
    boolean corefileWritten = false;
    if (!corefile.equals(corefileText)) {
      AtomicFiles.write(corefilePath, corefile.getBytes(StandardCharsets.UTF_8));
      corefileText = corefile;
      corefileWritten = true;
    }
    return new Written(
        serial,
        zone.nodes().size(),
        (int) zone.endpoints().stream().map(HealthyEndpoint::service).distinct().count(),
        zone.endpoints().size(),
        ZoneFiles.records(zoneText),
        zoneWritten,
        corefileWritten);
  }

  private String render(DiscoveryDocument.Zone zone, List<String> nameservers, long serial) {
    io.uptimemesh.core.config.DiscoverySettings served = settings.served();
    return ZoneRenderer.render(
        served.domain(), served.ttlSeconds(), serial, zone.nodes(), zone.endpoints(), nameservers);
  }

  private static String readOrNull(Path file) throws IOException {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    } catch (java.nio.charset.MalformedInputException e) {
      return null;
    }
  }
}
