package io.uptimemesh.agent.discovery;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads back what the agent needs from a zone file it wrote before (pure text functions). */
public final class ZoneFiles {
  /**
   * The SOA line as {@code ZoneRenderer} writes it: {@code @ IN SOA <mname> <rname> <serial> ...}.
   */
  private static final Pattern SOA =
      Pattern.compile("(?m)^\\S+\\s+(?:\\d+\\s+)?IN\\s+SOA\\s+\\S+\\s+\\S+\\s+(\\d{1,10})\\s");

  private ZoneFiles() {}

  /**
   * The serial of the zone's SOA record.
   *
   * @return empty if the text holds no SOA record in the one-line form, or its serial is out of
   *     range (then the clock picks the next serial, see {@code ZoneSerial})
   */
  public static OptionalLong serial(String zoneText) {
    if (zoneText == null) {
      return OptionalLong.empty();
    }
    Matcher m = SOA.matcher(zoneText);
    if (!m.find()) {
      return OptionalLong.empty();
    }
    long serial = Long.parseLong(m.group(1));
    return serial <= 0xFFFF_FFFFL ? OptionalLong.of(serial) : OptionalLong.empty();
  }

  /** How many resource records the zone holds (lines that are not directives or blank). */
  public static int records(String zoneText) {
    int n = 0;
    for (String line : zoneText.split("\n")) {
      if (!line.isBlank() && !line.startsWith("$") && !line.startsWith(";")) {
        n++;
      }
    }
    return n;
  }
}
