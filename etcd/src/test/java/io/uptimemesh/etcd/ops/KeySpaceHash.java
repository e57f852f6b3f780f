package io.uptimemesh.etcd.ops;

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

/** Test helper: fills, hashes and wipes a key prefix with a raw jetcd client. */
final class KeySpaceHash {
  private KeySpaceHash() {}

  /** SHA-256 over every key and value under {@code prefix}, in key order, length-prefixed. */
  static String of(Client client, String prefix) throws Exception {
    List<KeyValue> kvs =
        client
            .getKVClient()
            .get(bytes(prefix), GetOption.builder().isPrefix(true).build())
            .get(10, TimeUnit.SECONDS)
            .getKvs();
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    for (KeyValue kv : kvs) {
      for (byte[] part : new byte[][] {kv.getKey().getBytes(), kv.getValue().getBytes()}) {
        digest.update(ByteBuffer.allocate(4).putInt(part.length).array());
        digest.update(part);
      }
    }
    return kvs.size() + ":" + HexFormat.of().formatHex(digest.digest());
  }

  static void fill(Client client, String prefix, int keys) throws Exception {
    for (int i = 0; i < keys; i++) {
      client
          .getKVClient()
          .put(
              bytes(prefix + String.format("k%05d", i)),
              bytes("{\"n\":" + i + ",\"v\":\"é" + i + "\"}"))
          .get(10, TimeUnit.SECONDS);
    }
  }

  static long wipe(Client client, String prefix) throws Exception {
    return client
        .getKVClient()
        .delete(bytes(prefix), DeleteOption.builder().isPrefix(true).build())
        .get(10, TimeUnit.SECONDS)
        .getDeleted();
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, UTF_8);
  }
}
