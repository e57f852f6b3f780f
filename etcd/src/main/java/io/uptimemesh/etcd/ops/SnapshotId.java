package io.uptimemesh.etcd.ops;

import io.uptimemesh.core.error.UptimeMeshException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Snapshot ids: {@code 20261122T112345123Z-3fa9c1} (UTC time to the millisecond, then 6 random hex
 * digits). They sort in time order as strings, and the strict pattern is the only thing that turns
 * a caller's text into a file name, so an id can never name a path outside the snapshot directory.
 */
public final class SnapshotId {
  private static final Pattern ID = Pattern.compile("[0-9]{8}T[0-9]{9}Z-[0-9a-f]{6}");
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  private SnapshotId() {}

  /** A new id for a snapshot taken at {@code now}. */
  public static String next(Instant now) {
    byte[] suffix = new byte[3];
    RANDOM.nextBytes(suffix);
    return TIME.format(now) + "-" + HexFormat.of().formatHex(suffix);
  }

  /** True if {@code id} is a well-formed snapshot id. */
  public static boolean isValid(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /**
   * @return {@code id} unchanged
   * @throws UptimeMeshException 400 naming the id if it is not a well-formed snapshot id
   */
  public static String validate(String id) {
    if (!isValid(id)) {
      String shown = id == null ? "null" : id.length() > 80 ? id.substring(0, 80) + "…" : id;
      throw UptimeMeshException.invalid(
          "'"
              + shown
              + "' is not a snapshot id (expected the form 20261122T112345123Z-3fa9c1,"
              + " as snapshot-list shows)");
    }
    return id;
  }
}
