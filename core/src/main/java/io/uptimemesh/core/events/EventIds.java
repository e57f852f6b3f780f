package io.uptimemesh.core.events;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Event ids that sort like time: {@code <epoch ms, 13 digits>-<sequence, 4 digits>-<writer tag>},
 * e.g. {@code 1763800000123-0000-k2x7qa}. Keys are {@code {prefix}/events/<id>}, so etcd's key
 * order is time order and a time range is a key range.
 *
 * <p>One generator per process: its random tag keeps ids of different core nodes apart, its
 * sequence keeps ids of one millisecond apart. {@link #next} never goes backwards, even if the
 * clock does (the id then carries the last time issued), and borrows the next millisecond after
 * 5,000 ids in one. {@link #at} makes ids for something that happened earlier (recorded late, such
 * as a write guard transition noticed while etcd refused writes); those use sequences 5000..9999,
 * so they never collide with {@link #next}'s.
 */
public final class EventIds {
  private static final Pattern ID = Pattern.compile("[0-9]{13}-[0-9]{4}-[a-z2-7]{6}");
  private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
  private static final int SPLIT = 5000;
  private static final long MAX_TIME = 9_999_999_999_999L;

  private final String tag;
  private long lastMs = -1;
  private int seq;
  private int pastSeq;

  public EventIds() {
    this(randomTag());
  }

  /** With a fixed writer tag (tests): six characters of a-z and 2-7. */
  public EventIds(String tag) {
    if (!tag.matches("[a-z2-7]{6}")) {
      throw new IllegalArgumentException("writer tag must be six characters of a-z 2-7: " + tag);
    }
    this.tag = tag;
  }

  /** A new id at {@code nowMs}, greater than every id this generator issued before with next. */
  public synchronized String next(long nowMs) {
    if (nowMs > lastMs) {
      lastMs = nowMs;
      seq = 0;
    } else if (++seq >= SPLIT) {
      lastMs++;
      seq = 0;
    }
    return format(lastMs, seq);
  }

  /** A new id for something that happened at {@code timeMs} (possibly in the past). */
  public synchronized String at(long timeMs) {
    String id = format(timeMs, SPLIT + pastSeq);
    pastSeq = (pastSeq + 1) % SPLIT;
    return id;
  }

  /** True if {@code id} is shaped like an event id. */
  public static boolean isValid(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /** The time part of a valid id, epoch milliseconds. */
  public static long timeOf(String id) {
    if (!isValid(id)) {
      throw new IllegalArgumentException("event id is malformed: " + id);
    }
    return Long.parseLong(id.substring(0, 13));
  }

  /**
   * The common start of every id at {@code timeMs}: ids of events at or after that time sort at or
   * after it.
   */
  public static String timePrefix(long timeMs) {
    return String.format("%013d", Math.max(0, Math.min(timeMs, MAX_TIME)));
  }

  private String format(long timeMs, int sequence) {
    if (timeMs < 0 || timeMs > MAX_TIME) {
      throw new IllegalArgumentException("event time out of range: " + timeMs);
    }
    return String.format("%013d-%04d-%s", timeMs, sequence, tag);
  }

  private static String randomTag() {
    StringBuilder sb = new StringBuilder(6);
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; i < 6; i++) {
      sb.append(BASE32.charAt(r.nextInt(32)));
    }
    return sb.toString();
  }
}
