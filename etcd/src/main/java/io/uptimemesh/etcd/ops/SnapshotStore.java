package io.uptimemesh.etcd.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot files of one core node in {@code ETCD_SNAPSHOT_DIR}: {@code <id>.db} (what etcd
 * streamed), {@code <id>.db.sha256} (sha256sum format, so {@code sha256sum -c} checks it by hand)
 * and {@code <id>.json} ({@link SnapshotMetadata}).
 *
 * <p>A snapshot is streamed into a hidden {@code .<id>.db.partial} and published by {@link
 * #publish}: the data is forced to disk and renamed, then the checksum and finally the metadata are
 * written atomically (temporary file, fsync, rename, fsync of the directory). {@link #list()} shows
 * only snapshots whose metadata exists, so a crash at any point never leaves a half snapshot
 * listed. Files are 0600 in a 0700 directory: a snapshot holds every secret hash and the sealed CA
 * key.
 *
 * <p>Every method blocks on the file system: call from a worker thread, never an event loop. Ids
 * are checked by {@link SnapshotId#validate}, so no caller-supplied text ever becomes a path by
 * itself.
 */
public final class SnapshotStore {
  private static final Logger log = LoggerFactory.getLogger(SnapshotStore.class);
  private static final ObjectMapper JSON = Json.mapper();
  private static final String PARTIAL = ".db.partial";

  private final Path dir;
  private final int retention;

  /**
   * @param dir the snapshot directory ({@code ETCD_SNAPSHOT_DIR}); created when first needed
   * @param retention how many snapshots to keep ({@code ETCD_SNAPSHOT_RETENTION}), at least 1
   */
  public SnapshotStore(Path dir, int retention) {
    if (retention < 1) {
      throw new IllegalArgumentException("retention must be at least 1, not " + retention);
    }
    this.dir = dir.toAbsolutePath().normalize();
    this.retention = retention;
  }

  public Path directory() {
    return dir;
  }

  public int retention() {
    return retention;
  }

  /**
   * Creates the hidden file a new snapshot is streamed into (0600), replacing a leftover of a
   * crash.
   *
   * @return the path to write; pass it to {@link #publish} or {@link #discard}
   */
  public Path createPartial(String id) throws IOException {
    SnapshotId.validate(id);
    ensureDirectory();
    Path partial = dir.resolve("." + id + PARTIAL);
    Files.deleteIfExists(partial);
    Files.createFile(partial, PosixFilePermissions.asFileAttribute(ownerOnly()));
    return partial;
  }

  /** Removes a partial file after a failed snapshot; never throws. */
  public void discard(Path partial) {
    try {
      Files.deleteIfExists(partial);
    } catch (IOException e) {
      log.warn("cannot remove partial snapshot {}: {}", partial, e.getMessage());
    }
  }

  /** The facts about a snapshot the store cannot compute from the file itself. */
  public record Facts(
      String createdAt,
      long revision,
      long totalKeys,
      String node,
      String etcdVersion,
      long durationMs) {}

  /**
   * Publishes a fully written partial file as snapshot {@code id}: fsync, checksum, rename, then
   * the {@code .sha256} and the metadata, each atomically.
   *
   * @return the metadata as written
   */
  public SnapshotMetadata publish(String id, Path partial, Facts facts) throws IOException {
    SnapshotId.validate(id);
    try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    long size = Files.size(partial);
    String sha256 = sha256(partial);
    Path db = dbPath(id);
    move(partial, db);
    writeAtomically(
        dir.resolve(id + ".db.sha256"),
        (sha256 + "  " + id + ".db\n").getBytes(StandardCharsets.US_ASCII));
    SnapshotMetadata meta =
        new SnapshotMetadata(
            SnapshotMetadata.SCHEMA_VERSION,
            id,
            facts.createdAt(),
            facts.revision(),
            facts.totalKeys(),
            size,
            sha256,
            facts.node(),
            facts.etcdVersion(),
            facts.durationMs());
    writeAtomically(metaPath(id), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
    return meta;
  }

  /** Every complete snapshot, newest first. Files that do not parse are skipped with a warning. */
  public List<SnapshotMetadata> list() throws IOException {
    List<SnapshotMetadata> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        String id = name.substring(0, name.length() - ".json".length());
        if (SnapshotId.isValid(id)) {
          read(id).ifPresent(out::add);
        }
      }
    }
    out.sort(Comparator.comparing(SnapshotMetadata::id).reversed());
    return out;
  }

  /** The metadata of snapshot {@code id}, if it is complete. 400 for a malformed id. */
  public Optional<SnapshotMetadata> find(String id) {
    return read(SnapshotId.validate(id));
  }

  /** The metadata of snapshot {@code id}; 400 for a malformed id, 404 when there is none. */
  public SnapshotMetadata require(String id) {
    return find(id)
        .orElseThrow(
            () -> UptimeMeshException.notFound("no snapshot " + id + " on this core node"));
  }

  /**
   * The data file of an existing snapshot (404 otherwise); always inside the snapshot directory.
   */
  public Path dataFile(String id) {
    require(id);
    return dbPath(id);
  }

  /**
   * Recomputes the data file's SHA-256 and compares it with the {@code .sha256} file and the
   * metadata.
   *
   * @return the metadata
   * @throws UptimeMeshException 404 when there is no such snapshot, 409 when the file is corrupt
   */
  public SnapshotMetadata verify(String id) throws IOException {
    SnapshotMetadata meta = require(id);
    String recorded;
    try {
      recorded =
          Files.readString(dir.resolve(id + ".db.sha256"), StandardCharsets.US_ASCII)
              .strip()
              .split("\\s+")[0];
    } catch (NoSuchFileException e) {
      throw new UptimeMeshException(
          ErrorCode.CONFLICT,
          "snapshot " + id + " has no " + id + ".db.sha256: refusing to use it");
    }
    String actual = sha256(dbPath(id));
    if (!actual.equals(recorded) || !actual.equals(meta.sha256())) {
      throw new UptimeMeshException(
          ErrorCode.CONFLICT,
          "snapshot "
              + id
              + " is corrupt: its SHA-256 is "
              + actual
              + " but "
              + recorded
              + " was recorded");
    }
    return meta;
  }

  /**
   * Deletes the oldest snapshots beyond the retention count, and partial files older than the
   * newest complete snapshot (left by a crash).
   *
   * @return the ids deleted, oldest first
   */
  public List<String> prune() throws IOException {
    List<SnapshotMetadata> all = list();
    List<String> deleted = new ArrayList<>();
    for (int i = all.size() - 1; i >= retention; i--) {
      String id = all.get(i).id();
      // Metadata first: from that moment the snapshot is no longer listed.
      Files.deleteIfExists(metaPath(id));
      Files.deleteIfExists(dir.resolve(id + ".db.sha256"));
      Files.deleteIfExists(dbPath(id));
      deleted.add(id);
    }
    if (!all.isEmpty()) {
      String newest = all.get(0).id();
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".*" + PARTIAL)) {
        for (Path f : files) {
          String name = f.getFileName().toString();
          String id = name.substring(1, name.length() - PARTIAL.length());
          if (SnapshotId.isValid(id) && id.compareTo(newest) < 0) {
            Files.deleteIfExists(f);
          }
        }
      }
    }
    if (!deleted.isEmpty()) {
      log.info("snapshot retention ({}) deleted {}", retention, deleted);
    }
    return deleted;
  }

  /** Hex SHA-256 of a file, read in 1 MiB chunks (snapshots can be gigabytes). */
  public static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buffer = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private Optional<SnapshotMetadata> read(String id) {
    Path meta = metaPath(id);
    if (!Files.exists(meta) || !Files.exists(dbPath(id))) {
      return Optional.empty();
    }
    try {
      SnapshotMetadata m = JSON.readValue(meta.toFile(), SnapshotMetadata.class);
      if (m.schemaVersion() > SnapshotMetadata.SCHEMA_VERSION || !id.equals(m.id())) {
        log.warn("skipping snapshot metadata {}: unknown schema or id mismatch", meta);
        return Optional.empty();
      }
      return Optional.of(m);
    } catch (IOException e) {
      log.warn("skipping unreadable snapshot metadata {}: {}", meta, e.getMessage());
      return Optional.empty();
    }
  }

  private Path dbPath(String id) {
    return dir.resolve(id + ".db");
  }

  private Path metaPath(String id) {
    return dir.resolve(id + ".json");
  }

  private void ensureDirectory() throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  private void writeAtomically(Path target, byte[] content) throws IOException {
    Path temp =
        Files.createTempFile(
            dir,
            "." + target.getFileName() + ".",
            ".tmp",
            PosixFilePermissions.asFileAttribute(ownerOnly()));
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          ch.write(buffer);
        }
        ch.force(true);
      }
      move(temp, target);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  private void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Not every platform can force a directory; the rename is done either way.
    }
  }

  private static java.util.Set<java.nio.file.attribute.PosixFilePermission> ownerOnly() {
    return PosixFilePermissions.fromString("rw-------");
  }
}
