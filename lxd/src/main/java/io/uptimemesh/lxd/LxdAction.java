package io.uptimemesh.lxd;

/**
 * What a call is doing, for error messages: "start of container 'web-1' in LXD project 'p'".
 *
 * @param verb what is done (create, start, snapshot...)
 * @param kind what it is done to (container, image, project, snapshot)
 * @param name the container, image alias or project it is done to
 * @param project the LXD project the call was made in
 * @param detail more context for the message (the image alias of a create), or empty
 */
public record LxdAction(String verb, String kind, String name, String project, String detail) {
  public LxdAction(String verb, String kind, String name, String project) {
    this(verb, kind, name, project, "");
  }

  static LxdAction onContainer(String verb, String name, String project) {
    return new LxdAction(verb, "container", name, project);
  }

  /** The same action with a detail that the message shows in parentheses. */
  LxdAction with(String newDetail) {
    return new LxdAction(verb, kind, name, project, newDetail);
  }

  /** A text that names the operation, its target and the project, for the user. */
  public String describe() {
    String text = verb + " of " + kind + " '" + name + "'";
    if (detail != null && !detail.isEmpty()) {
      text += " (" + detail + ")";
    }
    return "default".equals(project) || project == null
        ? text
        : text + " in LXD project '" + project + "'";
  }
}
