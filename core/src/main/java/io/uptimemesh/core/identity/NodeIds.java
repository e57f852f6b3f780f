package io.uptimemesh.core.identity;

import io.uptimemesh.core.error.UptimeMeshException;
import java.util.regex.Pattern;

/**
 * Node ids are DNS labels (RFC 1123): they name keys in etcd and records in the mesh zone, so
 * nothing else is allowed.
 */
public final class NodeIds {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  private NodeIds() {}

  /** Returns {@code id} or throws invalid naming the rule. */
  public static String validate(String id) {
    if (id == null || !LABEL.matcher(id).matches()) {
      throw UptimeMeshException.invalid(
          "node id '"
              + (id == null ? "" : id)
              + "' is not allowed: use 1-63 lower-case letters, digits and hyphens,"
              + " starting and ending with a letter or digit");
    }
    return id;
  }
}
