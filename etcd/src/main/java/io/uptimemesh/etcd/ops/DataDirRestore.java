package io.uptimemesh.etcd.ops;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a stopped etcd member's data directory with one restored from a snapshot: {@code etcdctl
 * snapshot restore} into a new directory next to the old one, then two renames swap them. The old
 * directory is kept as {@code <dir>.before-restore-<time>} for the operator and never deleted here.
 * A failure before the swap leaves the old directory untouched; a failure of the second rename puts
 * the old one back.
 *
 * <p>Blocking; etcd must not be running on {@code dataDir}. Used by the managed restore ({@link
 * SnapshotRestore}) and by {@code uptimemesh snapshot-restore --local}.
 */
public final class DataDirRestore {
  private static final Logger log = LoggerFactory.getLogger(DataDirRestore.class);
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** The member to restore as: same name, peer URL and cluster token keep the same member id. */
  public record Member(
      String name, String peerUrl, Map<String, String> initialCluster, String clusterToken) {
    public Member {
      initialCluster = Map.copyOf(initialCluster);
      if (!peerUrl.equals(initialCluster.get(name))) {
        throw new IllegalArgumentException(
            "the initial cluster must map " + name + " to its peer URL " + peerUrl);
      }
    }
  }

  /**
   * @param dataDir the data directory now in use
   * @param previous where the old directory was moved, or null if there was none
   */
  public record Result(Path dataDir, Path previous) {}

  private final Etcdctl etcdctl;

  public DataDirRestore(Etcdctl etcdctl) {
    this.etcdctl = etcdctl;
  }

  /** Restores {@code snapshot} as {@code member} and swaps it in at {@code dataDir}. */
  public Result restore(Path snapshot, Path dataDir, Member member, Instant now)
      throws IOException {
    Path dir = dataDir.toAbsolutePath().normalize();
    Path parent = dir.getParent();
    String stamp = STAMP.format(now);
    Path fresh = parent.resolve(dir.getFileName() + ".restore-" + stamp);
    Path aside = parent.resolve(dir.getFileName() + ".before-restore-" + stamp);
    if (Files.exists(fresh) || Files.exists(aside)) {
      throw new IOException("a restore of " + dir + " already ran this second; try again");
    }
    Files.createDirectories(parent);
    try {
      etcdctl.restore(
          snapshot,
          fresh,
          member.name(),
          member.initialCluster(),
          member.peerUrl(),
          member.clusterToken());
      Files.setPosixFilePermissions(fresh, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException | RuntimeException e) {
      deleteTree(fresh);
      throw e;
    }
    boolean hadOld = Files.exists(dir);
    if (hadOld) {
      Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
    }
    try {
      Files.move(fresh, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      if (hadOld) {
        Files.move(aside, dir, StandardCopyOption.ATOMIC_MOVE);
      }
      deleteTree(fresh);
      throw e;
    }
    forceDirectory(parent);
    log.info(
        "restored {} into {}{}",
        snapshot.getFileName(),
        dir,
        hadOld ? "; the previous data directory is kept at " + aside : "");
    return new Result(dir, hadOld ? aside : null);
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.warn("cannot remove the unfinished restore {}: {}", root, e.getMessage());
    }
  }

  private static void forceDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Not every platform can force a directory; the renames are done either way.
    }
  }
}
