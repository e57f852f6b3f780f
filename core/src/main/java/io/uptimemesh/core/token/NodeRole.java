package io.uptimemesh.core.token;

import io.uptimemesh.core.error.UptimeMeshException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a node does in the cluster; a join token is issued for one role. */
public enum NodeRole {
  /** Runs workloads. */
  WORKER,
  /** Runs etcd and the control plane. */
  CORE,
  /** Routes between the mesh and outside networks. */
  GATEWAY;

  /**
   * The name used in JSON, storage and the CLI.
   *
   * @return the lower-case name, e.g. {@code worker}
   */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Reads a role name, ignoring case and surrounding whitespace.
   *
   * @param s e.g. {@code worker}
   * @return the role
   * @throws UptimeMeshException (invalid) listing the allowed values if s names no role
   */
  public static NodeRole parse(String s) {
    if (s != null) {
      String wanted = s.strip();
      for (NodeRole role : values()) {
        if (role.wireName().equalsIgnoreCase(wanted)) {
          return role;
        }
      }
    }
    // Echo the value only when it cannot be anything but a mistyped role name.
    String shown =
        s != null && s.strip().matches("[A-Za-z0-9_-]{1,32}") ? " '" + s.strip() + "'" : "";
    throw UptimeMeshException.invalid(
        "unknown node role"
            + shown
            + "; allowed values: "
            + Arrays.stream(values()).map(NodeRole::wireName).collect(Collectors.joining(", ")));
  }
}
