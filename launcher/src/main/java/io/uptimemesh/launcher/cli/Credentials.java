package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.uptimemesh.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Session tokens of the CLI, one per API URL, in {@code ~/.config/uptimemesh/credentials} (mode
 * 0600, directory 0700). {@code UPTIMEMESH_TOKEN} in the environment takes precedence.
 */
final class Credentials {
  private final Path file;

  Credentials(Path file) {
    this.file = file;
  }

  static Credentials forUser() {
    String xdg = System.getenv("XDG_CONFIG_HOME");
    Path base =
        xdg == null || xdg.isBlank()
            ? Path.of(System.getProperty("user.home"), ".config")
            : Path.of(xdg);
    return new Credentials(base.resolve("uptimemesh").resolve("credentials"));
  }

  Optional<String> token(String apiUrl) {
    String env = System.getenv("UPTIMEMESH_TOKEN");
    if (env != null && !env.isBlank()) {
      return Optional.of(env.strip());
    }
    ObjectNode all = read();
    String exact = all.path(apiUrl).textValue();
    if (exact != null) {
      return Optional.of(exact);
    }
    // Sessions live in etcd, so every core node of a cluster accepts the same one: a session
    // stored for any of the asked URLs, or for a list that names one of them, will do.
    java.util.Set<String> asked = urls(apiUrl);
    for (var it = all.fields(); it.hasNext(); ) {
      var entry = it.next();
      if (entry.getValue().isTextual()
          && !java.util.Collections.disjoint(asked, urls(entry.getKey()))) {
        return Optional.of(entry.getValue().textValue());
      }
    }
    return Optional.empty();
  }

  private static java.util.Set<String> urls(String list) {
    java.util.Set<String> out = new java.util.HashSet<>();
    for (String one : list.split(",")) {
      String u = one.strip();
      out.add(u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
    }
    return out;
  }

  void store(String apiUrl, String token) {
    ObjectNode all = read();
    all.put(apiUrl, token);
    write(all);
  }

  /**
   * @return true if there was a token to remove
   */
  boolean remove(String apiUrl) {
    ObjectNode all = read();
    boolean had = all.remove(apiUrl) != null;
    write(all);
    return had;
  }

  private ObjectNode read() {
    try {
      if (!Files.exists(file)) {
        return Json.mapper().createObjectNode();
      }
      return (ObjectNode) Json.mapper().readTree(file.toFile());
    } catch (IOException | ClassCastException e) {
      throw new CliException(file + " is unreadable: " + e.getMessage());
    }
  }

  private void write(ObjectNode all) {
    try {
      Files.createDirectories(file.getParent());
      Files.setPosixFilePermissions(file.getParent(), PosixFilePermissions.fromString("rwx------"));
      Path temp = Files.createTempFile(file.getParent(), ".credentials-", "");
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
      Files.write(temp, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new CliException("cannot write " + file + ": " + e.getMessage());
    }
  }
}
