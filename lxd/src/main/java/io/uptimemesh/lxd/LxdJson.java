package io.uptimemesh.lxd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.uptimemesh.core.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads LXD's JSON and writes our requests. LXD's field names are already snake_case; its documents
 * grow between versions, so everything is read from the tree by name and unknown fields are
 * ignored. Pure: no I/O, unit-tested on recorded answers.
 */
public final class LxdJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private LxdJson() {}

  /** The answer envelope, or an error naming the action when it is not one. */
  public static LxdResponse envelope(LxdAction action, int httpStatus, byte[] body) {
    JsonNode root;
    try {
      root = Json.mapper().readTree(body);
    } catch (IOException e) {
      throw LxdErrors.malformed(action, "HTTP " + httpStatus + " with a body that is not JSON");
    }
    if (root == null || !root.isObject()) {
      throw LxdErrors.malformed(action, "HTTP " + httpStatus + " without a JSON object");
    }
    String type = root.path("type").asText("");
    LxdResponse.Type t =
        switch (type) {
          case "sync" -> LxdResponse.Type.SYNC;
          case "async" -> LxdResponse.Type.ASYNC;
          case "error" -> LxdResponse.Type.ERROR;
          default -> {
            if (httpStatus >= 400) {
              yield LxdResponse.Type.ERROR;
            }
            throw LxdErrors.malformed(action, "unknown answer type '" + type + "'");
          }
        };
    JsonNode metadata = root.get("metadata");
    return new LxdResponse(
        t,
        httpStatus,
        root.path("error_code").asInt(t == LxdResponse.Type.ERROR ? httpStatus : 0),
        root.path("error").asText(""),
        root.path("operation").asText(""),
        metadata == null ? NullNode.getInstance() : metadata);
  }

  /** An operation document: its status text, error text and result metadata. */
  public record Operation(String id, String status, int statusCode, String err, JsonNode result) {
    public boolean isRunning() {
      return statusCode == 103 || statusCode == 100 || statusCode == 105 || statusCode == 106;
    }

    public boolean succeeded() {
      return statusCode == 200;
    }
  }

  public static Operation operation(JsonNode metadata) {
    JsonNode result = metadata.get("metadata");
    return new Operation(
        metadata.path("id").asText(""),
        metadata.path("status").asText(""),
        metadata.path("status_code").asInt(0),
        metadata.path("err").asText(""),
        result == null ? NullNode.getInstance() : result);
  }

  /** {@code GET /1.0/instances/NAME/state}. */
  public static InstanceState state(JsonNode m) {
    List<InstanceAddress> addresses = new ArrayList<>();
    JsonNode network = m.path("network");
    for (Iterator<Map.Entry<String, JsonNode>> it = network.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> device = it.next();
      for (JsonNode a : device.getValue().path("addresses")) {
        addresses.add(
            new InstanceAddress(
                device.getKey(),
                a.path("family").asText(""),
                a.path("address").asText(""),
                a.path("netmask").asInt(0), // a prefix length written as a string
                a.path("scope").asText("")));
      }
    }
    // A stable order: devices by name, as LXD's map order is not guaranteed.
    addresses.sort(
        (x, y) -> {
          int c = x.device().compareTo(y.device());
          return c != 0 ? c : x.address().compareTo(y.address());
        });
    JsonNode memory = m.path("memory");
    return new InstanceState(
        m.path("status").asText(""),
        m.path("status_code").asInt(0),
        m.path("pid").asLong(0),
        m.path("processes").asLong(-1),
        addresses,
        memory.path("usage").asLong(0),
        memory.path("usage_peak").asLong(0));
  }

  /** {@code GET /1.0/instances?recursion=1}. */
  public static List<InstanceSummary> instances(JsonNode m) {
    List<InstanceSummary> out = new ArrayList<>();
    for (JsonNode i : m) {
      List<String> profiles = new ArrayList<>();
      i.path("profiles").forEach(p -> profiles.add(p.asText()));
      out.add(
          new InstanceSummary(
              i.path("name").asText(""),
              i.path("status").asText(""),
              i.path("status_code").asInt(0),
              i.path("type").asText("container"),
              profiles,
              stringMap(i.path("config")),
              i.path("ephemeral").asBoolean(false)));
    }
    out.sort((a, b) -> a.name().compareTo(b.name()));
    return out;
  }

  /** {@code GET /1.0/instances/NAME}. */
  public static InstanceDetails details(JsonNode i) {
    List<String> profiles = new ArrayList<>();
    i.path("profiles").forEach(p -> profiles.add(p.asText()));
    Map<String, Map<String, String>> devices = new TreeMap<>();
    i.path("devices")
        .fields()
        .forEachRemaining(e -> devices.put(e.getKey(), stringMap(e.getValue())));
    return new InstanceDetails(
        i.path("name").asText(""),
        i.path("status").asText(""),
        i.path("status_code").asInt(0),
        profiles,
        stringMap(i.path("config")),
        devices);
  }

  /** Config keys LXD writes itself: its state ({@code volatile.*}) and the image's properties. */
  static boolean isLxdOwnedKey(String key) {
    return key.startsWith("volatile.") || key.startsWith("image.");
  }

  /**
   * {@code PUT /1.0/instances/NAME}: the container's writable fields from what it holds now, with
   * profiles, config and devices replaced. LXD's own config keys ({@code volatile.*}, {@code
   * image.*}) are carried over from {@code current}: a PUT replaces the whole config, and dropping
   * them would lose LXD's record of the container's network addresses and base image.
   */
  public static ObjectNode updateBody(
      InstanceDetails current,
      List<String> profiles,
      Map<String, String> config,
      Map<String, Map<String, String>> devices) {
    ObjectNode body = NODES.objectNode();
    ArrayNode p = body.putArray("profiles");
    profiles.forEach(p::add);
    Map<String, String> merged = new TreeMap<>(config);
    current
        .config()
        .forEach(
            (k, v) -> {
              if (isLxdOwnedKey(k)) {
                merged.put(k, v);
              }
            });
    ObjectNode c = body.putObject("config");
    merged.forEach(c::put);
    ObjectNode d = body.putObject("devices");
    new TreeMap<>(devices)
        .forEach(
            (name, props) -> {
              ObjectNode device = d.putObject(name);
              new TreeMap<>(props).forEach(device::put);
            });
    return body;
  }

  /**
   * Names from a list of resource paths ({@code ["/1.0/instances/c1/snapshots/s1"]}): the last path
   * segment of each, sorted.
   */
  public static List<String> lastSegments(JsonNode m) {
    List<String> out = new ArrayList<>();
    for (JsonNode p : m) {
      String s = p.asText("");
      int q = s.indexOf('?');
      if (q >= 0) {
        s = s.substring(0, q);
      }
      out.add(s.substring(s.lastIndexOf('/') + 1));
    }
    out.sort(String::compareTo);
    return out;
  }

  /** The exec operation's result: {@code {"return": N, "output": {"1": path, "2": path}}}. */
  public record ExecOutcome(int exitCode, String stdoutPath, String stderrPath) {}

  public static ExecOutcome execOutcome(LxdAction action, JsonNode result) {
    JsonNode ret = result.get("return");
    if (ret == null || !ret.canConvertToInt()) {
      throw LxdErrors.malformed(action, "the exec operation has no return code");
    }
    JsonNode output = result.path("output");
    return new ExecOutcome(ret.asInt(), output.path("1").asText(""), output.path("2").asText(""));
  }

  /** {@code POST /1.0/instances}: a container from a local image alias. */
  public static ObjectNode createBody(InstanceSpec spec) {
    ObjectNode body = NODES.objectNode();
    body.put("name", spec.name());
    body.put("type", "container");
    ObjectNode source = body.putObject("source");
    source.put("type", "image");
    source.put("alias", spec.imageAlias());
    if (!spec.profiles().isEmpty()) {
      ArrayNode profiles = body.putArray("profiles");
      spec.profiles().forEach(profiles::add);
    }
    ObjectNode config = body.putObject("config");
    new TreeMap<>(spec.config()).forEach(config::put);
    ObjectNode devices = body.putObject("devices");
    new TreeMap<>(spec.devices())
        .forEach(
            (name, props) -> {
              ObjectNode d = devices.putObject(name);
              new TreeMap<>(props).forEach(d::put);
            });
    return body;
  }

  /** {@code PUT /1.0/instances/NAME/state}. */
  public static ObjectNode stateChange(String action, int timeoutSeconds, boolean force) {
    ObjectNode body = NODES.objectNode();
    body.put("action", action);
    body.put("timeout", timeoutSeconds);
    body.put("force", force);
    return body;
  }

  /** {@code POST /1.0/instances/NAME/exec}, with the output recorded to log files. */
  public static ObjectNode execBody(List<String> command, Map<String, String> environment) {
    ObjectNode body = NODES.objectNode();
    ArrayNode cmd = body.putArray("command");
    command.forEach(cmd::add);
    ObjectNode env = body.putObject("environment");
    new TreeMap<>(environment).forEach(env::put);
    body.put("wait-for-websocket", false);
    body.put("record-output", true);
    body.put("interactive", false);
    return body;
  }

  public static ObjectNode object() {
    return NODES.objectNode();
  }

  static byte[] bytes(JsonNode node) {
    try {
      return Json.mapper().writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }

  private static Map<String, String> stringMap(JsonNode node) {
    Map<String, String> out = new TreeMap<>();
    node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }
}
