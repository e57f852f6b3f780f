package io.uptimemesh.core.config;

import java.util.List;

/**
 * One section of {@code config.yaml}.
 *
 * @param name the top-level key, e.g. {@code managed_etcd}
 * @param description what the section is for; written as the comment line above it
 * @param keys the known keys, in the order they are written
 */
record SectionSpec(String name, String description, List<KeySpec> keys) {
  SectionSpec {
    keys = List.copyOf(keys);
  }

  static SectionSpec of(String name, String description, KeySpec... keys) {
    return new SectionSpec(name, description, List.of(keys));
  }

  /**
   * Returns the comment line written above the section, without the leading {@code #}.
   *
   * @return e.g. " http: the API server of this core node"
   */
  String comment() {
    return " " + name + ": " + description;
  }
}
