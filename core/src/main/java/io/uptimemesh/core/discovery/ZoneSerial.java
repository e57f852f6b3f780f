package io.uptimemesh.core.discovery;

import java.time.Instant;

/**
 * SOA serials. The choice: the serial is the Unix time in seconds (mod 2^32) when that is ahead of
 * the previous serial in RFC 1982 arithmetic, else previous + 1. Unix seconds rather than
 * YYYYMMDDnn because the zone follows endpoint health and may change far more than 100 times a day.
 * Across restarts the caller passes the last published serial (from the zone file or etcd); even
 * without it, a restarted renderer starts from the clock, which is ahead of any serial handed out
 * before unless more than one change per second was sustained. The serial only ever moves forward
 * by less than 2^31 (else secondaries would read it as going backwards), and never lands on 0,
 * which some tools treat as "unset".
 */
public final class ZoneSerial {
  public static final long MAX = 0xFFFF_FFFFL;
  private static final long MODULUS = 1L << 32;
  private static final long HALF = 1L << 31;

  private ZoneSerial() {}

  /**
   * The serial for a new content version.
   *
   * @param previous the last published serial, or negative if none is known
   * @param now the current time
   */
  public static long next(long previous, Instant now) {
    long clock = Math.floorMod(now.getEpochSecond(), MODULUS);
    if (previous < 0) {
      return clock == 0 ? 1 : clock;
    }
    if (previous > MAX) {
      throw new IllegalArgumentException("serial above 2^32-1: " + previous);
    }
    if (isAfter(clock, previous) && clock != 0) {
      return clock;
    }
    long next = (previous + 1) % MODULUS;
    return next == 0 ? 1 : next;
  }

  /**
   * RFC 1982 section 3.2: s1 > s2 when they differ and the forward distance from s2 to s1 is less
   * than 2^31. A distance of exactly 2^31 is undefined, treated here as not after.
   */
  public static boolean isAfter(long s1, long s2) {
    long forward = Math.floorMod(s1 - s2, MODULUS);
    return forward != 0 && forward < HALF;
  }
}
