package io.uptimemesh.lxd;

/**
 * Builds request paths. Every name in them was checked by {@link LxdNames} (no '/', '?', '%' or
 * space), so no escaping is needed and none can change the path.
 */
final class LxdUris {
  private LxdUris() {}

  static String withProject(String path, String project) {
    return path + (path.indexOf('?') >= 0 ? '&' : '?') + "project=" + project;
  }

  static String instance(String name) {
    return "/1.0/instances/" + name;
  }
}
