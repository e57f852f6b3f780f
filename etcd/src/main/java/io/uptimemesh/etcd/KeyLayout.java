package io.uptimemesh.etcd;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The one place that knows how keys are spelled. Every key the control plane reads or writes is
 * built here, under {@code ETCD_PREFIX}; no other class concatenates key strings.
 *
 * <pre>
 * {prefix}/cluster/meta            cluster identity and schema version
 * {prefix}/health/probe            read (never written) by the health monitor's quorum probe
 * </pre>
 *
 * Later features add their families here (nodes, tokens, services…).
 */
public final class KeyLayout {
  private static final Pattern PREFIX = Pattern.compile("/[A-Za-z0-9/_.-]*[A-Za-z0-9_.-]");

  private final String prefix;

  /**
   * @param prefix the cluster's key prefix, e.g. {@code /uptimemesh}: starts with a slash, no
   *     trailing slash
   */
  public KeyLayout(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    if (!PREFIX.matcher(prefix).matches() || prefix.contains("//")) {
      throw new IllegalArgumentException(
          "etcd prefix must look like /name (no trailing slash): " + prefix);
    }
    this.prefix = prefix;
  }

  public String prefix() {
    return prefix;
  }

  /** Every key of this cluster starts with this string (the prefix and a slash). */
  public String root() {
    return prefix + "/";
  }

  public String clusterMeta() {
    return root() + "cluster/meta";
  }

  public String healthProbe() {
    return root() + "health/probe";
  }

  /** True if {@code key} belongs to this cluster's key space. */
  public boolean owns(String key) {
    return key.startsWith(root());
  }
}
