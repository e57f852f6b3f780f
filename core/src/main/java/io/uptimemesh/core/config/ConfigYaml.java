package io.uptimemesh.core.config;

import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.comments.CommentLine;
import org.yaml.snakeyaml.comments.CommentType;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * YAML for {@code config.yaml}, at the level of SnakeYAML's node tree rather than Java objects.
 * Working on nodes lets unknown keys be written back exactly as read (style, tags, anchors) and
 * tells a quoted {@code "2379"} apart from the integer {@code 2379}.
 *
 * <p>Parsing is safe: only standard YAML types are accepted (via {@link SafeConstructor}), no Java
 * classes are ever instantiated, and duplicate keys are refused.
 */
final class ConfigYaml {

  private static final Resolver RESOLVER = new Resolver();

  private ConfigYaml() {}

  /**
   * A parsed document in two forms. SnakeYAML resolves merge keys ({@code <<: *anchor}) by
   * rewriting the tree in place, and the anchors it shares then come out as {@code &id001} when
   * written; so the document is composed twice, once to resolve and once to keep as written.
   *
   * @param resolved the tree with merge keys resolved into plain entries: what the values are
   * @param asWritten the tree as composed, merge keys intact: what unknown entries are written back
   *     from
   */
  record Parsed(Node resolved, Node asWritten) {}

  /**
   * Parses one YAML document.
   *
   * @param source the file name for error messages
   * @param text the document
   * @return the document, or null if it is empty (only comments or blank)
   * @throws ConfigException naming the source and line if the text is not valid YAML, has more than
   *     one document, repeats a key, or uses a tag that is not a standard YAML type
   */
  static Parsed parse(String source, String text) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setAllowRecursiveKeys(false);
    Node asWritten = compose(source, text, options);
    if (asWritten == null) {
      return null;
    }
    rejectDuplicateKeys(source, asWritten, "", Collections.newSetFromMap(new IdentityHashMap<>()));
    Node resolved = compose(source, text, options);
    try {
      // Besides refusing non-standard tags, this resolves merge keys in place.
      new SafeNodeConstructor(options).constructAll(resolved);
    } catch (MarkedYAMLException e) {
      throw syntaxError(source, e);
    } catch (YAMLException e) {
      throw ConfigException.problem(source, null, "is not valid YAML: " + e.getMessage(), e);
    }
    return new Parsed(resolved, asWritten);
  }

  private static Node compose(String source, String text, LoaderOptions options) {
    try {
      return new Yaml(options).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      throw syntaxError(source, e);
    } catch (YAMLException e) {
      throw ConfigException.problem(source, null, "is not valid YAML: " + e.getMessage(), e);
    }
  }

  /**
   * Writes a node tree as YAML: block style, two-space indent, no line folding, Unix line ends.
   * Block comments attached to key nodes are written above them.
   *
   * @param root the document
   * @return the YAML text, ending in a newline
   */
  static String write(Node root) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    options.setWidth(Integer.MAX_VALUE);
    options.setSplitLines(false);
    options.setLineBreak(DumperOptions.LineBreak.UNIX);
    options.setAllowUnicode(true);
    options.setProcessComments(true);
    StringWriter out = new StringWriter();
    try {
      new Yaml(options).serialize(root, out);
    } catch (YAMLException e) {
      // Only nodes read from a valid document or built here reach this point.
      throw new IllegalStateException("cannot write YAML: " + e.getMessage(), e);
    }
    return out.toString();
  }

  /**
   * Creates a mapping key.
   *
   * @param name the key
   * @return a plain string scalar
   */
  static ScalarNode key(String name) {
    return new ScalarNode(Tag.STR, name, null, null, DumperOptions.ScalarStyle.PLAIN);
  }

  /**
   * Creates a mapping key with a comment line above it.
   *
   * @param name the key
   * @param comment the comment text after {@code #}
   * @return a plain string scalar carrying the comment
   */
  static ScalarNode commentedKey(String name, String comment) {
    ScalarNode node = key(name);
    node.setBlockComments(List.of(new CommentLine(null, null, comment, CommentType.BLOCK)));
    return node;
  }

  /**
   * Creates an integer value.
   *
   * @param value the number
   * @return a plain integer scalar in decimal
   */
  static ScalarNode integer(long value) {
    return new ScalarNode(
        Tag.INT, Long.toString(value), null, null, DumperOptions.ScalarStyle.PLAIN);
  }

  /**
   * Creates a text value. Text that YAML reads as a number (a revision count such as {@code 1000})
   * stays unquoted so that the file looks the way the operator wrote it; every other text gets
   * whatever quoting it needs to read back as the same string.
   *
   * @param value the text
   * @return a scalar that reads back as value
   */
  static ScalarNode text(String value) {
    Tag resolved = RESOLVER.resolve(NodeId.scalar, value, true);
    Tag tag = resolved.equals(Tag.INT) || resolved.equals(Tag.FLOAT) ? resolved : Tag.STR;
    return new ScalarNode(tag, value, null, null, DumperOptions.ScalarStyle.PLAIN);
  }

  /**
   * Creates a block mapping.
   *
   * @param entries the entries, in order
   * @return the mapping
   */
  static MappingNode mapping(List<NodeTuple> entries) {
    return new MappingNode(Tag.MAP, entries, DumperOptions.FlowStyle.BLOCK);
  }

  /**
   * Reads a YAML integer the way YAML 1.1 defines it (so {@code 0x10}, {@code 1_000} and {@code
   * 1:30} are 16, 1000 and 90).
   *
   * @param node a scalar tagged {@link Tag#INT}
   * @return the value
   */
  static BigInteger integerValue(ScalarNode node) {
    Object value = new SafeNodeConstructor(new LoaderOptions()).constructValue(node);
    return new BigInteger(value.toString());
  }

  /**
   * Shows a value the way it appears in the file, for an error message.
   *
   * @param node the value
   * @return the scalar text (in double quotes if it was quoted), {@code (empty)} for an empty
   *     value, or a placeholder for a map or list
   */
  static String display(Node node) {
    if (node instanceof ScalarNode scalar) {
      if (scalar.getScalarStyle() != DumperOptions.ScalarStyle.PLAIN) {
        return "\"" + scalar.getValue().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
      }
      return scalar.getValue().isEmpty() ? "(empty)" : scalar.getValue();
    }
    return node instanceof SequenceNode ? "<a list>" : "<a map>";
  }

  /**
   * Names the type of a value for an error message.
   *
   * @param node the value
   * @return e.g. "a string", "an integer", "a map", "empty"
   */
  static String typeName(Node node) {
    if (node instanceof MappingNode) {
      return "a map";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    Tag tag = node.getTag();
    if (tag.equals(Tag.STR)) {
      return "a string";
    }
    if (tag.equals(Tag.INT)) {
      return "an integer";
    }
    if (tag.equals(Tag.FLOAT)) {
      return "a decimal number";
    }
    if (tag.equals(Tag.BOOL)) {
      return "a boolean";
    }
    if (tag.equals(Tag.NULL)) {
      return "empty";
    }
    if (tag.equals(Tag.TIMESTAMP)) {
      return "a date";
    }
    return "a value tagged " + tag.getValue();
  }

  /**
   * Returns where a node starts.
   *
   * @param node a node read from a file
   * @return the 1-based line number, or 0 if unknown
   */
  static int line(Node node) {
    Mark mark = node.getStartMark();
    return mark == null ? 0 : mark.getLine() + 1;
  }

  private static ConfigException syntaxError(String source, MarkedYAMLException e) {
    Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
    String where =
        mark == null
            ? ""
            : "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": ";
    return ConfigException.problem(source, null, where + problem + " (not valid YAML)", e);
  }

  /**
   * Refuses a key that appears twice in one mapping. SnakeYAML would catch this too, but only here
   * do we know the dotted path, which makes the message actionable.
   */
  private static void rejectDuplicateKeys(String source, Node node, String path, Set<Node> seen) {
    if (!seen.add(node)) {
      return;
    }
    if (node instanceof MappingNode mapping) {
      Map<String, Integer> firstLine = new HashMap<>();
      for (NodeTuple entry : mapping.getValue()) {
        String childPath = path;
        if (entry.getKeyNode() instanceof ScalarNode key) {
          childPath = path.isEmpty() ? key.getValue() : path + "." + key.getValue();
          Integer earlier = firstLine.putIfAbsent(key.getValue(), line(key));
          if (earlier != null && !key.getTag().equals(Tag.MERGE)) {
            throw ConfigException.problem(
                source,
                childPath,
                "line "
                    + line(key)
                    + ": duplicate key "
                    + childPath
                    + " (first set on line "
                    + earlier
                    + "); each key may appear only once",
                null);
          }
        }
        rejectDuplicateKeys(source, entry.getValueNode(), childPath, seen);
      }
    } else if (node instanceof SequenceNode sequence) {
      List<Node> items = sequence.getValue();
      for (int i = 0; i < items.size(); i++) {
        rejectDuplicateKeys(source, items.get(i), path + "[" + i + "]", seen);
      }
    }
  }

  /** Exposes SafeConstructor's construction of standard YAML types to this class. */
  private static final class SafeNodeConstructor extends SafeConstructor {
    SafeNodeConstructor(LoaderOptions options) {
      super(options);
    }

    Object constructAll(Node root) {
      return constructDocument(root);
    }

    Object constructValue(ScalarNode node) {
      return constructObject(node);
    }
  }
}
