package io.uptimemesh.bench;

import io.uptimemesh.core.heartbeat.HeartbeatSignatures;
import io.uptimemesh.core.pki.NodeKeys;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

/**
 * Signature verifications per second on one thread, for a heartbeat-sized body: our path (Bouncy
 * Castle Ed25519 through {@link HeartbeatSignatures}) against the JDK's own Ed25519 and ECDSA
 * P-256, measured in the same run. DESIGN.md §5 chose Ed25519 on these numbers.
 */
final class CryptoBench {
  private static final byte[] BODY =
      ("{\"node_id\":\"node-1\",\"sent_at_ms\":1700000000000,\"seq\":42,"
              + "\"status\":{\"load\":0.25,\"wg_peers\":12,\"version\":\"0.1.0\"}}")
          .getBytes(StandardCharsets.UTF_8);

  void run(int seconds) throws Exception {
    KeyPair ed = NodeKeys.generateEd25519();
    String sig = HeartbeatSignatures.sign(BODY, ed.getPrivate());
    double ours = rate(seconds, () -> check(HeartbeatSignatures.verify(BODY, sig, ed.getPublic())));

    KeyPairGenerator edGen = KeyPairGenerator.getInstance("Ed25519");
    KeyPair jdkEd = edGen.generateKeyPair();
    byte[] jdkEdSig = sign("Ed25519", jdkEd);
    double jdkEd25519 = rate(seconds, () -> check(verify("Ed25519", jdkEd, jdkEdSig)));

    KeyPairGenerator ecGen = KeyPairGenerator.getInstance("EC");
    ecGen.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair ec = ecGen.generateKeyPair();
    byte[] ecSig = sign("SHA256withECDSA", ec);
    double jdkP256 = rate(seconds, () -> check(verify("SHA256withECDSA", ec, ecSig)));

    System.out.println();
    System.out.printf(
        "== signature verifies, one thread, %d-byte body, %d s each%n", BODY.length, seconds);
    System.out.printf("baseline  JDK Ed25519              %8.0f /s%n", jdkEd25519);
    System.out.printf("baseline  JDK ECDSA P-256          %8.0f /s%n", jdkP256);
    System.out.printf("ours      BC Ed25519 (heartbeats)  %8.0f /s%n", ours);
    System.out.printf(
        "ratio     ours / JDK Ed25519       %.1f   ours / JDK P-256 %.1f%n",
        ours / jdkEd25519, ours / jdkP256);
  }

  private interface Op {
    void run() throws Exception;
  }

  private static double rate(int seconds, Op op) throws Exception {
    long warm = System.nanoTime() + 1_000_000_000L;
    while (System.nanoTime() < warm) {
      op.run();
    }
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    long n = 0;
    while (System.nanoTime() < end) {
      op.run();
      n++;
    }
    return n / ((System.nanoTime() - start) / 1e9);
  }

  private static byte[] sign(String alg, KeyPair keys) throws Exception {
    Signature s = Signature.getInstance(alg);
    s.initSign(keys.getPrivate());
    s.update(BODY);
    return s.sign();
  }

  private static boolean verify(String alg, KeyPair keys, byte[] sig) throws Exception {
    Signature s = Signature.getInstance(alg);
    s.initVerify(keys.getPublic());
    s.update(BODY);
    return s.verify(sig);
  }

  private static void check(boolean ok) {
    if (!ok) {
      throw new IllegalStateException("a valid signature did not verify");
    }
  }
}
