package io.uptimemesh.core.config;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Merges a parsed {@code config.yaml} with {@link ClusterConfigSchema}: validates every known key,
 * fills missing ones with defaults, keeps unknown keys as they were, and builds the tree to write
 * back in schema order.
 */
final class ClusterConfigMerger {

  /**
   * The outcome of a merge.
   *
   * @param values a valid value for every schema key
   * @param filledKeys dotted keys that were missing and got their default, in schema order
   * @param unknownKeys dotted keys the schema does not know, in file order; kept in the document
   * @param document the tree to write: known sections in schema order, each known key in schema
   *     order followed by the section's unknown keys, then unknown top-level entries
   */
  record Merged(
      ConfigValues values,
      List<String> filledKeys,
      List<String> unknownKeys,
      MappingNode document) {}

  private final String source;
  private final List<ConfigException> problems = new ArrayList<>();
  private final Map<String, Object> values = new LinkedHashMap<>();
  private final List<String> filledKeys = new ArrayList<>();
  private final List<String> unknownKeys = new ArrayList<>();
  private final Map<String, List<NodeTuple>> unknownBySection = new LinkedHashMap<>();
  private final List<NodeTuple> unknownTopLevel = new ArrayList<>();

  private ClusterConfigMerger(String source) {
    this.source = source;
  }

  /**
   * Validates and completes a parsed file.
   *
   * @param source the file name for error messages
   * @param parsed the parsed document, or null for an empty one
   * @return the merged values and the document to write
   * @throws ConfigException if anything is not allowed; the message describes the first problem in
   *     full and names the keys of the others
   */
  static Merged merge(String source, ConfigYaml.Parsed parsed) {
    ClusterConfigMerger merger = new ClusterConfigMerger(source);
    if (parsed == null) {
      merger.readDocument(null, null);
    } else {
      merger.readDocument(parsed.resolved(), parsed.asWritten());
    }
    merger.checkCrossRules();
    merger.throwIfProblems();
    return new Merged(
        new ConfigValues(merger.values),
        List.copyOf(merger.filledKeys),
        List.copyOf(merger.unknownKeys),
        merger.document(merger.values));
  }

  /**
   * Checks a typed config and builds the document it is written as.
   *
   * @param source names the config in error messages
   * @param config the config
   * @return the document, with no unknown keys
   * @throws ConfigException if a value is not allowed
   */
  static MappingNode document(String source, ClusterConfig config) {
    ClusterConfigMerger merger = new ClusterConfigMerger(source);
    Map<String, Object> given = ClusterConfigSchema.fromConfig(config).asMap();
    for (SectionSpec section : ClusterConfigSchema.SECTIONS) {
      for (KeySpec key : section.keys()) {
        String dotted = ClusterConfigSchema.dotted(section, key);
        Object value = given.get(dotted);
        merger.accept(dotted, key, value, String.valueOf(value));
      }
    }
    merger.checkCrossRules();
    merger.throwIfProblems();
    return merger.document(merger.values);
  }

  private void readDocument(Node root, Node asWritten) {
    List<NodeTuple> entries;
    if (root == null) {
      entries = List.of();
    } else if (root instanceof MappingNode mapping) {
      entries = mapping.getValue();
    } else {
      throw ConfigException.problem(
          source,
          null,
          "the top level is "
              + ConfigYaml.typeName(root)
              + ", but it must be a map of sections such as cluster: and managed_etcd:",
          null);
    }
    Map<String, NodeTuple> written = entriesByName(asWritten);
    Map<String, Node> sections = new LinkedHashMap<>();
    Set<String> known = new HashSet<>();
    ClusterConfigSchema.SECTIONS.forEach(section -> known.add(section.name()));
    for (NodeTuple entry : entries) {
      String name = keyName(entry);
      if (name != null && known.contains(name)) {
        sections.put(name, entry.getValueNode());
      } else {
        unknownTopLevel.add(name != null ? written.getOrDefault(name, entry) : entry);
        unknownKeys.add(name != null ? name : "<complex key>");
      }
    }
    for (SectionSpec section : ClusterConfigSchema.SECTIONS) {
      NodeTuple writtenSection = written.get(section.name());
      readSection(
          section,
          sections.get(section.name()),
          entriesByName(writtenSection == null ? null : writtenSection.getValueNode()));
    }
  }

  /**
   * Indexes the plain-keyed entries of a mapping as written, so that an unknown entry is written
   * back in its original form (merge keys intact) rather than the resolved one. Entries that only
   * exist through a merge key are not in it.
   */
  private static Map<String, NodeTuple> entriesByName(Node node) {
    Map<String, NodeTuple> entries = new HashMap<>();
    if (node instanceof MappingNode mapping) {
      for (NodeTuple entry : mapping.getValue()) {
        if (entry.getKeyNode() instanceof ScalarNode key && !key.getTag().equals(Tag.MERGE)) {
          entries.put(key.getValue(), entry);
        }
      }
    }
    return entries;
  }

  private void readSection(SectionSpec section, Node node, Map<String, NodeTuple> written) {
    List<NodeTuple> unknown = new ArrayList<>();
    unknownBySection.put(section.name(), unknown);
    if (node == null) {
      for (KeySpec key : section.keys()) {
        fill(ClusterConfigSchema.dotted(section, key), key);
      }
      return;
    }
    if (!(node instanceof MappingNode mapping)) {
      problems.add(
          ConfigException.notAllowed(
              source,
              section.name(),
              ConfigYaml.display(node),
              "expected a map of "
                  + section.name()
                  + " settings (or no "
                  + section.name()
                  + ": line at all, for the defaults), not "
                  + ConfigYaml.typeName(node)));
      return;
    }
    Map<String, Node> given = new LinkedHashMap<>();
    Set<String> known = new HashSet<>();
    section.keys().forEach(key -> known.add(key.name()));
    for (NodeTuple entry : mapping.getValue()) {
      String name = keyName(entry);
      if (name != null && known.contains(name)) {
        given.put(name, entry.getValueNode());
      } else {
        unknown.add(name != null ? written.getOrDefault(name, entry) : entry);
        unknownKeys.add(section.name() + "." + (name != null ? name : "<complex key>"));
      }
    }
    for (KeySpec key : section.keys()) {
      String dotted = ClusterConfigSchema.dotted(section, key);
      Node value = given.get(key.name());
      if (value == null) {
        fill(dotted, key);
      } else {
        readKey(dotted, key, value);
      }
    }
  }

  /** Returns the text of a plain key, or null for a complex one (a list or map used as a key). */
  private static String keyName(NodeTuple entry) {
    return entry.getKeyNode() instanceof ScalarNode key ? key.getValue() : null;
  }

  private void fill(String dotted, KeySpec key) {
    values.put(dotted, key.defaultValue());
    filledKeys.add(dotted);
  }

  /** Records that {@code node} has the wrong type for {@code key}; {@code hint} may be empty. */
  private void wrongType(String dotted, KeySpec key, Node node, String shown, String hint) {
    problems.add(
        ConfigException.notAllowed(
            source, dotted, shown, key.allowed() + ", not " + ConfigYaml.typeName(node) + hint));
  }

  private void readKey(String dotted, KeySpec key, Node node) {
    String shown = ConfigYaml.display(node);
    if (!(node instanceof ScalarNode scalar) || scalar.getTag().equals(Tag.NULL)) {
      String remedy =
          node instanceof ScalarNode
              ? "; remove the line to use the default " + key.defaultValue()
              : "";
      wrongType(dotted, key, node, shown, remedy);
      return;
    }
    Tag tag = scalar.getTag();
    if (key.type() == KeySpec.Type.INTEGER) {
      if (!tag.equals(Tag.INT)) {
        String hint =
            tag.equals(Tag.STR) && scalar.getValue().strip().matches("[+-]?[0-9]+")
                ? "; remove the quotes"
                : "";
        wrongType(dotted, key, node, shown, hint);
        return;
      }
      BigInteger number = ConfigYaml.integerValue(scalar);
      if (number.bitLength() >= Long.SIZE) {
        problems.add(ConfigException.notAllowed(source, dotted, shown, key.allowed()));
        return;
      }
      accept(dotted, key, number.longValue(), shown);
      return;
    }
    if (!(tag.equals(Tag.STR)
        || tag.equals(Tag.INT)
        || tag.equals(Tag.FLOAT)
        || tag.equals(Tag.TIMESTAMP))) {
      String hint = tag.equals(Tag.BOOL) ? "; put it in quotes to make it text" : "";
      problems.add(
          ConfigException.notAllowed(
              source, dotted, shown, key.allowed() + ", not " + ConfigYaml.typeName(node) + hint));
      return;
    }
    // Numbers and dates are kept as written: "1000" as a revision count, "1.0" as a name.
    accept(dotted, key, scalar.getValue(), shown);
  }

  private void accept(String dotted, KeySpec key, Object value, String shown) {
    String problem = key.problem(value);
    if (problem != null) {
      problems.add(ConfigException.notAllowed(source, dotted, shown, problem));
    } else {
      values.put(dotted, value);
    }
  }

  private void checkCrossRules() {
    for (CrossRule rule : ClusterConfigSchema.CROSS_RULES) {
      Object value = values.get(rule.key());
      Object other = values.get(rule.otherKey());
      if (value == null || other == null) {
        continue; // One of them is already reported; comparing against it would mislead.
      }
      String problem = rule.check().apply(value, other);
      if (problem != null) {
        String shown =
            filledKeys.contains(rule.key()) ? value + " (the default)" : value.toString();
        problems.add(ConfigException.notAllowed(source, rule.key(), shown, problem));
      }
    }
  }

  private void throwIfProblems() {
    if (!problems.isEmpty()) {
      throw ConfigException.combine(problems);
    }
  }

  private MappingNode document(Map<String, Object> known) {
    List<NodeTuple> top = new ArrayList<>();
    for (SectionSpec section : ClusterConfigSchema.SECTIONS) {
      List<NodeTuple> entries = new ArrayList<>();
      for (KeySpec key : section.keys()) {
        Object value = known.get(ClusterConfigSchema.dotted(section, key));
        Node node =
            key.type() == KeySpec.Type.INTEGER
                ? ConfigYaml.integer((Long) value)
                : ConfigYaml.text((String) value);
        entries.add(new NodeTuple(ConfigYaml.key(key.name()), node));
      }
      entries.addAll(unknownBySection.getOrDefault(section.name(), List.of()));
      top.add(
          new NodeTuple(
              ConfigYaml.commentedKey(section.name(), section.comment()),
              ConfigYaml.mapping(entries)));
    }
    top.addAll(unknownTopLevel);
    return ConfigYaml.mapping(top);
  }
}
