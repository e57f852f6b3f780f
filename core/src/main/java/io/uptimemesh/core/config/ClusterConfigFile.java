package io.uptimemesh.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code config.yaml}, heals it, and keeps it in a canonical form.
 *
 * <p>A missing file is created with defaults, missing keys are filled in, and the file is written
 * in schema order with a comment above each section. Unknown keys and sections are kept (after the
 * known ones of the same map, in their original order) so that a config written by a newer version,
 * or annotated by an operator, survives an older server. Comments in the file are not kept when it
 * is rewritten.
 *
 * <p>The file is rewritten only when its bytes differ from the canonical text, and atomically.
 * Invalid content stops the load and leaves the file untouched.
 */
public final class ClusterConfigFile {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterConfigFile.class);

  /** What a load did to the file. */
  public enum Outcome {
    /** The file did not exist and was written with defaults. */
    CREATED,
    /** Keys were missing; they were filled with defaults and the file rewritten. */
    HEALED,
    /** The file already matched the canonical text and was not touched. */
    UNCHANGED,
    /** No key was missing, but order, quoting, spacing or comments differed; rewritten. */
    REFORMATTED
  }

  /**
   * The result of a load.
   *
   * @param config the validated configuration
   * @param outcome what was done to the file
   * @param filledKeys dotted keys that were missing and got defaults (every key when the file was
   *     created), in schema order
   */
  public record Result(ClusterConfig config, Outcome outcome, List<String> filledKeys) {
    public Result {
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(outcome, "outcome");
      filledKeys = List.copyOf(filledKeys);
    }
  }

  private ClusterConfigFile() {}

  /**
   * Loads the config file, creating or healing it as needed.
   *
   * @param file the file, e.g. {@code config.yaml}; error messages name it as given
   * @return the configuration, what was done to the file, and which keys were filled
   * @throws ConfigException if the file is not valid YAML, has a duplicate key, is not a map of
   *     sections, has a value of the wrong type or out of range, or cannot be read or written; the
   *     file is then left as it was
   */
  public static Result loadOrCreate(Path file) {
    String source = file.toString();
    byte[] current = read(file, source);
    String text = current == null ? "" : ConfigText.decodeUtf8(current, source);
    ClusterConfigMerger.Merged merged =
        ClusterConfigMerger.merge(source, ConfigYaml.parse(source, text));
    byte[] rendered = ConfigYaml.write(merged.document()).getBytes(StandardCharsets.UTF_8);

    Outcome outcome;
    if (current == null) {
      outcome = Outcome.CREATED;
    } else if (!merged.filledKeys().isEmpty()) {
      outcome = Outcome.HEALED;
    } else if (!Arrays.equals(current, rendered)) {
      outcome = Outcome.REFORMATTED;
    } else {
      outcome = Outcome.UNCHANGED;
    }
    if (outcome != Outcome.UNCHANGED) {
      write(file, source, rendered);
    }
    if (!merged.unknownKeys().isEmpty()) {
      LOG.warn("{}: keeping keys this version does not know: {}", source, merged.unknownKeys());
    }
    if (outcome == Outcome.HEALED) {
      LOG.info("{}: filled missing keys with defaults: {}", source, merged.filledKeys());
    } else if (outcome != Outcome.UNCHANGED) {
      LOG.info(
          "{}: {}", source, outcome == Outcome.CREATED ? "created with defaults" : "reformatted");
    }
    return new Result(ClusterConfigSchema.toConfig(merged.values()), outcome, merged.filledKeys());
  }

  /**
   * Renders a configuration the way {@link #loadOrCreate(Path)} writes it.
   *
   * @param config the configuration
   * @return the canonical YAML text, ending in a newline
   * @throws ConfigException if a value is not allowed (the source is named {@code ClusterConfig})
   */
  public static String render(ClusterConfig config) {
    return ConfigYaml.write(ClusterConfigMerger.document("ClusterConfig", config));
  }

  /** Returns the file's bytes, or null if it does not exist. */
  private static byte[] read(Path file, String source) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw ConfigException.problem(source, null, "cannot read the file: " + e, e);
    }
  }

  private static void write(Path file, String source, byte[] content) {
    try {
      AtomicFiles.write(file, content);
    } catch (IOException e) {
      throw ConfigException.problem(source, null, "cannot write the file: " + e, e);
    }
  }
}
