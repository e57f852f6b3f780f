package io.uptimemesh.launcher;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What a restore must give back, as one comparable line. */
final class KeySpaceHash {
  /**
   * Families that change by themselves while servers run (presence and election keys, locks, the
   * stale marks and liveness leases, the event log they append to, answers of idempotent requests
   * such as the restore itself): not part of what a restore must give back.
   */
  static final List<String> VOLATILE =
      List.of(
          "events/",
          "idempotency/",
          "core-servers/",
          "election/",
          "locks/",
          "node-stale/",
          "alive/");

  private KeySpaceHash() {}

  /**
   * SHA-256 over every key and value under {@code prefix} (length-prefixed, in key order) except
   * the {@link #VOLATILE} families, with the number of keys it covers.
   */
  static String of(Client etcd, String prefix) throws Exception {
    List<KeyValue> kvs =
        etcd.getKVClient()
            .get(ByteSequence.from(prefix, UTF_8), GetOption.builder().isPrefix(true).build())
            .get(5, TimeUnit.SECONDS)
            .getKvs();
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    int hashed = 0;
    for (KeyValue kv : kvs) {
      String key = kv.getKey().toString(UTF_8);
      if (VOLATILE.stream().anyMatch(v -> key.startsWith(prefix + v))) {
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
}
