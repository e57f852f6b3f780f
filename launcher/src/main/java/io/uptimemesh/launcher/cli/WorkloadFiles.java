package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a workload spec file for {@code services create|apply --file}: JSON when the name ends in
 * {@code .json}, else YAML (standard types only, like config.yaml). The file holds the spec itself,
 * or a document whose only key is {@code workload}. The server checks the spec.
 */
final class WorkloadFiles {
  private WorkloadFiles() {}

  static JsonNode read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage());
    }
    JsonNode spec;
    if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
      try {
        spec = Json.mapper().readTree(text);
      } catch (IOException e) {
        throw new CliException(file + " is not valid JSON: " + e.getMessage());
      }
    } else {
      try {
        spec =
            Json.mapper()
                .valueToTree(new Yaml(new SafeConstructor(new LoaderOptions())).load(text));
      } catch (YAMLException | IllegalArgumentException e) {
        throw new CliException(file + " is not valid YAML: " + e.getMessage());
      }
    }
    if (spec == null || !spec.isObject()) {
      throw new CliException(file + " must hold a workload spec (a mapping with image, replicas…)");
    }
    if (spec.size() == 1 && spec.has("workload")) {
      spec = spec.get("workload");
    }
    return spec;
  }
}
