package io.uptimemesh.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Fills, hashes and wipes a key prefix with a raw jetcd client, beside the code under test: what a
 * snapshot/restore test compares.
 */
public final class KeySpace {
  /**
   * Families a running core server changes by itself (its presence and election keys, locks, stale
   * marks, liveness leases, the event log it appends to, answers of idempotent requests such as the
   * restore itself): not part of what a restore must give back while servers run.
   */
  public static final List<String> SERVER_OWNED =
      List.of(
          "events/",
          "idempotency/",
          "core-servers/",
          "election/",
          "locks/",
          "node-stale/",
          "alive/");

  private KeySpace() {}

  /**
   * SHA-256 over every key and value under {@code prefix}: see {@link #hash(Client, String, List)}.
   */
  public static String hash(Client client, String prefix) throws Exception {
    return hash(client, prefix, List.of());
  }

  /**
   * SHA-256 over every key and value under {@code prefix} (length-prefixed, in key order), except
   * the families under {@code prefix} named in {@code skipped}, with the number of keys it covers.
   */
  public static String hash(Client client, String prefix, List<String> skipped) throws Exception {
    List<KeyValue> kvs =
        client
            .getKVClient()
            .get(bytes(prefix), GetOption.builder().isPrefix(true).build())
            .get(10, TimeUnit.SECONDS)
            .getKvs();
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    int hashed = 0;
    for (KeyValue kv : kvs) {
      String key = kv.getKey().toString(UTF_8);
      if (skipped.stream().anyMatch(family -> key.startsWith(prefix + family))) {
        continue;
      }
      hashed++;
      for (byte[] part : new byte[][] {kv.getKey().getBytes(), kv.getValue().getBytes()}) {
        digest.update(ByteBuffer.allocate(4).putInt(part.length).array());
        digest.update(part);
      }
    }
    return hashed + " keys, sha256 " + HexFormat.of().formatHex(digest.digest());
  }

  /** Puts {@code keys} JSON values (with a non-ASCII character) under {@code prefix}. */
  public static void fill(Client client, String prefix, int keys) throws Exception {
    for (int i = 0; i < keys; i++) {
      client
          .getKVClient()
          .put(
              bytes(prefix + String.format("k%05d", i)),
              bytes("{\"n\":" + i + ",\"v\":\"é" + i + "\"}"))
          .get(10, TimeUnit.SECONDS);
    }
  }

  /** Deletes every key under {@code prefix}; yields how many there were. */
  public static long wipe(Client client, String prefix) throws Exception {
    return client
        .getKVClient()
        .delete(bytes(prefix), DeleteOption.builder().isPrefix(true).build())
        .get(10, TimeUnit.SECONDS)
        .getDeleted();
  }

  public static ByteSequence bytes(String s) {
    return ByteSequence.from(s, UTF_8);
  }
}
