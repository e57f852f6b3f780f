package io.uptimemesh.core.workload;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.Random;

/**
 * Where new replica ids come from: {@code <service>-<5 lower-case hex digits>}, the hex digits
 * being the low 20 bits of {@link #next()}. The scheduler draws again while an id is taken. The
 * leader uses {@link #random()}; tests pass a seeded or counting source so plans are reproducible.
 */
@FunctionalInterface
public interface ReplicaIdSource {
  /** Any int; only its low 20 bits are used. */
  int next();

  /** The id made of a service name and a draw. */
  static String id(String service, int draw) {
    return service + "-" + String.format(Locale.ROOT, "%05x", draw & 0xFFFFF);
  }

  /** Unpredictable ids (thread-safe). */
  static ReplicaIdSource random() {
    SecureRandom random = new SecureRandom();
    return random::nextInt;
  }

  /** The same ids for the same seed (not thread-safe). */
  static ReplicaIdSource seeded(long seed) {
    Random random = new Random(seed);
    return random::nextInt;
  }
}
