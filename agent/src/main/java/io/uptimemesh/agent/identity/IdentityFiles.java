package io.uptimemesh.agent.identity;

import io.uptimemesh.core.pki.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Set;

/**
 * A node's identity on disk: {@code <dir>/<node-id>/node.key} (0600), {@code node.crt} and {@code
 * ca.crt}, in a directory only the owner can enter (0700). Files are written atomically, so a crash
 * never leaves half a key. Blocking file work: not for an event loop.
 */
public final class IdentityFiles {
  private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> SECRET =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> PUBLIC =
      PosixFilePermissions.fromString("rw-r--r--");

  private final Path dir;

  public IdentityFiles(Path identityRoot, String nodeId) {
    this.dir = identityRoot.resolve(nodeId);
  }

  public Path dir() {
    return dir;
  }

  public Path keyFile() {
    return dir.resolve("node.key");
  }

  public Path certFile() {
    return dir.resolve("node.crt");
  }

  public Path caFile() {
    return dir.resolve("ca.crt");
  }

  public boolean exists() {
    return Files.exists(keyFile()) && Files.exists(certFile());
  }

  /** Writes key, certificate and CA; the key first, readable by its owner only. */
  public void write(PrivateKey key, String certificatePem, String caPem) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, DIR);
    atomicWrite(keyFile(), Pem.privateKey(key), SECRET);
    atomicWrite(certFile(), certificatePem, PUBLIC);
    atomicWrite(caFile(), caPem, PUBLIC);
  }

  public PrivateKey key() throws IOException {
    return Pem.parsePrivateKey(Files.readString(keyFile()));
  }

  public X509Certificate certificate() throws IOException {
    return Pem.parseCertificate(Files.readString(certFile()));
  }

  public static void atomicWrite(Path target, String content, Set<PosixFilePermission> perms)
      throws IOException {
    Path temp = Files.createTempFile(target.getParent(), ".tmp-", "");
    try {
      Files.setPosixFilePermissions(temp, perms);
      Files.write(temp, content.getBytes(StandardCharsets.UTF_8));
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
