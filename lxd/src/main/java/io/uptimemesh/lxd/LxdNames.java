package io.uptimemesh.lxd;

import io.uptimemesh.core.error.UptimeMeshException;
import java.util.regex.Pattern;

/**
 * The name rules LXD applies, checked before a request leaves so that a bad name is a 400 naming
 * the field rather than an LXD error text, and so that no name can change the request path.
 */
final class LxdNames {
  // LXD: instance names are valid host names, 1-63 characters, letters, digits and hyphens, not
  // starting with a digit or hyphen, not ending with a hyphen.
  private static final Pattern INSTANCE = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,62}");
  // Snapshot and project names may hold more, but never '/' (it would change the path) and we
  // keep them to a safe set that needs no escaping in a URI.
  private static final Pattern SIMPLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

  private LxdNames() {}

  static String requireInstance(String name) {
    if (name == null || !INSTANCE.matcher(name).matches() || name.endsWith("-")) {
      throw UptimeMeshException.invalid(
          "container name '"
              + name
              + "' is not valid: 1-63 letters, digits and hyphens, starting with a letter, not"
              + " ending with a hyphen");
    }
    return name;
  }

  static String requireSnapshot(String name) {
    return requireSimple(name, "snapshot name");
  }

  static String requireProfile(String name) {
    return requireSimple(name, "profile name");
  }

  static String requireProject(String name) {
    return requireSimple(name, "LXD project name");
  }

  static String requireImageAlias(String alias) {
    if (alias == null || alias.isBlank() || alias.length() > 255 || alias.contains("/")) {
      throw UptimeMeshException.invalid("image alias '" + alias + "' is not valid");
    }
    return alias;
  }

  private static String requireSimple(String name, String what) {
    if (name == null || !SIMPLE.matcher(name).matches()) {
      throw UptimeMeshException.invalid(
          what + " '" + name + "' is not valid: 1-63 of letters, digits, '_', '.', '-'");
    }
    return name;
  }
}
