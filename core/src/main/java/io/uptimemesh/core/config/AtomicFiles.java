package io.uptimemesh.core.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Replaces a file so that readers, and the file after a crash or power loss, see either the old
 * content or the new, never a mix or an empty file.
 */
public final class AtomicFiles {

  private static final Set<PosixFilePermission> NEW_FILE_PERMISSIONS =
      PosixFilePermissions.fromString("rw-r--r--");

  private AtomicFiles() {}

  /**
   * Writes content to a temporary file in the target's directory, forces it to disk, renames it
   * over the target, then forces the directory so the rename itself survives a crash. Parent
   * directories are created. A target that is a symbolic link has its link target replaced, not the
   * link. An existing file keeps its POSIX permissions.
   *
   * @param target the file to replace or create
   * @param content the new content
   * @throws IOException if any step fails; the target is then unchanged and no temporary file is
   *     left behind
   */
  public static void write(Path target, byte[] content) throws IOException {
    Path file = Files.isSymbolicLink(target) && Files.exists(target) ? target.toRealPath() : target;
    Path directory = file.toAbsolutePath().getParent();
    Files.createDirectories(directory);
    Set<PosixFilePermission> permissions = permissionsOf(file);
    Path temp = Files.createTempFile(directory, "." + file.getFileName() + ".", ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      if (permissions != null) {
        Files.setPosixFilePermissions(temp, permissions);
      }
      move(temp, file);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    forceDirectory(directory);
  }

  private static void move(Path temp, Path file) throws IOException {
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      // Same directory, so this only happens on unusual file systems; still better than failing.
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Returns the permissions to give the new file, or null where POSIX permissions do not exist. */
  private static Set<PosixFilePermission> permissionsOf(Path file) {
    try {
      return Files.exists(file) ? Files.getPosixFilePermissions(file) : NEW_FILE_PERMISSIONS;
    } catch (UnsupportedOperationException | IOException e) {
      return null;
    }
  }

  /** Forces a directory's entries to disk; not possible on every platform, so failures pass. */
  private static void forceDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Windows cannot open a directory as a channel; the rename is still done.
    }
  }
}
