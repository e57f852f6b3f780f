package io.uptimemesh.agent.wg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.uptimemesh.agent.identity.IdentityFiles;
import io.uptimemesh.core.json.Json;
import io.uptimemesh.wireguard.WgKeyPair;
import io.uptimemesh.wireguard.WgKeys;
import io.uptimemesh.wireguard.WgPrivateKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The node's WireGuard key pairs, one per interface, and their generation, in {@code <data
 * dir>/wireguard/keys.json} (directory 0700, file 0600): one file written atomically, so the
 * generation and the keys can never disagree after a crash. The private keys are made here and
 * never leave the node; nothing here logs them. Blocking file work: call on a worker.
 */
public final class WgKeyFiles {
  /** Both interfaces' key pairs of one generation. */
  public record Keys(long generation, WgKeyPair primary, WgKeyPair secondary) {
    @Override
    public String toString() {
      return "Keys[generation=" + generation + ", primary=" + primary.publicKey() + "]";
    }
  }

  private final Path dir;

  public WgKeyFiles(Path dataDir) {
    this.dir = dataDir.resolve("wireguard");
  }

  public Path file() {
    return dir.resolve("keys.json");
  }

  /** The stored keys, or new generation-0 keys (stored) when there are none. */
  public Keys loadOrCreate() throws IOException {
    if (Files.exists(file())) {
      JsonNode root = Json.mapper().readTree(Files.readAllBytes(file()));
      try {
        return new Keys(
            root.path("generation").asLong(),
            pair(root.path("primary_private_key").asText()),
            pair(root.path("secondary_private_key").asText()));
      } catch (RuntimeException e) {
        throw new IOException(file() + " does not hold two WireGuard private keys", e);
      }
    }
    return rotate(0);
  }

  /** Makes and stores new pairs of {@code generation}. */
  public Keys rotate(long generation) throws IOException {
    Keys keys = new Keys(generation, WgKeys.generate(), WgKeys.generate());
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("generation", generation);
    root.put("primary_private_key", keys.primary().privateKey().reveal());
    root.put("secondary_private_key", keys.secondary().privateKey().reveal());
    IdentityFiles.atomicWrite(
        file(),
        Json.mapper().writeValueAsString(root),
        PosixFilePermissions.fromString("rw-------"));
    return keys;
  }

  private static WgKeyPair pair(String privateText) {
    WgPrivateKey key = WgPrivateKey.parse(privateText);
    return new WgKeyPair(key, key.publicKey());
  }
}
