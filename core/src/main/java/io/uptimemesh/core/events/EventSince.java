package io.uptimemesh.core.events;

import io.uptimemesh.core.error.UptimeMeshException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a listing of the event log starts ({@code since=} in the API, {@code --since} in the CLI):
 *
 * <ul>
 *   <li>an event id: the events <em>after</em> it in id order (exclusive), for paging;
 *   <li>a time, RFC 3339 ({@code 2026-11-22T10:00:00Z}) or epoch milliseconds: the events at or
 *       after it (inclusive);
 *   <li>a duration ({@code 90s}, {@code 15m}, {@code 2h}, {@code 7d}): the events of that last
 *       stretch of time.
 * </ul>
 *
 * Ids sort like their time, so every form is a start key in etcd. An event recorded late (a write
 * guard transition, stamped with when it happened) sorts at its time, so a reader paging by id may
 * already be past it; live readers follow the stream, whose position is the etcd revision.
 */
public sealed interface EventSince {
  /** Events whose id sorts after {@code id}. */
  record AfterId(String id) implements EventSince {}

  /** Events at or after {@code timeMs}. */
  record FromTime(long timeMs) implements EventSince {}

  /**
   * Reads a {@code since} value.
   *
   * @param parameter the parameter named in errors, e.g. {@code since} or {@code --since}
   * @throws UptimeMeshException (invalid) naming the parameter and the accepted forms
   */
  static EventSince parse(String parameter, String text, Clock clock) {
    String s = text == null ? "" : text.strip();
    if (EventIds.isValid(s)) {
      return new AfterId(s);
    }
    if (Forms.EPOCH_MS.matcher(s).matches()) {
      return new FromTime(Long.parseLong(s));
    }
    Matcher ago = Forms.DURATION.matcher(s);
    if (ago.matches()) {
      long n = Long.parseLong(ago.group(1));
      Duration d =
          switch (ago.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          };
      return new FromTime(Math.max(0, clock.millis() - d.toMillis()));
    }
    if (s.length() <= 40) {
      try {
        long ms = OffsetDateTime.parse(s).toInstant().toEpochMilli();
        if (ms >= 0) {
          return new FromTime(ms);
        }
      } catch (DateTimeParseException | ArithmeticException e) {
        // falls through to the error below
      }
    }
    throw UptimeMeshException.invalid(
        parameter
            + ": expected an event id, a time like 2026-11-22T10:00:00Z, epoch milliseconds,"
            + " or a duration like 15m, 2h or 7d");
  }

  /** The accepted shapes. */
  final class Forms {
    static final Pattern EPOCH_MS = Pattern.compile("[0-9]{1,13}");
    static final Pattern DURATION = Pattern.compile("([1-9][0-9]{0,6})([smhd])");

    private Forms() {}
  }
}
