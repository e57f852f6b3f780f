package io.uptimemesh.core.events;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One entry of the cluster event log, as stored in etcd (the store adds {@code schema_version}) and
 * served by the API.
 *
 * <p><b>Never put a secret in an event.</b> Events are shown to every logged-in operator, streamed
 * to browsers and kept for days: no passwords, join token strings, session tokens, private keys or
 * anything derived from them only by hashing with no salt. Name a token by its public id ({@code
 * token_id}), a user by name. As a safety net, field names that suggest a secret ({@code password},
 * {@code secret}, {@code private_key}, {@code credential}, {@code token}, {@code session}) are
 * refused; a value is never inspected, so the rule above is what actually keeps secrets out.
 *
 * @param id time-ordered unique id (see {@link EventIds}); key order in etcd is time order
 * @param timeMs when it happened, epoch milliseconds; the same instant as the id's time part
 * @param category one of {@link EventCategory}'s wire names
 * @param name what happened, e.g. {@code joined}: lower case, digits and underscores, ≤ 48
 * @param level one of {@link EventLevel}'s wire names
 * @param actor who did it, e.g. {@code user:admin}, {@code node:n1}, {@code system}: 1..128
 *     printable characters
 * @param fields details: at most {@value #MAX_FIELDS} entries, names like {@code node_id}, values
 *     of at most {@value #MAX_VALUE_LENGTH} printable characters
 */
public record EventRecord(
    String id,
    long timeMs,
    String category,
    String name,
    String level,
    String actor,
    Map<String, String> fields) {

  public static final int MAX_FIELDS = 16;
  public static final int MAX_VALUE_LENGTH = 256;
  public static final int MAX_ACTOR_LENGTH = 128;

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,47}");
  private static final Pattern FIELD_NAME = Pattern.compile("[a-z][a-z0-9_]{0,31}");
  private static final Pattern SECRET_LIKE =
      Pattern.compile("token|session|.*(password|secret|private_key|credential).*");

  /**
   * @throws IllegalArgumentException naming what is wrong: a bad event is a bug of its recorder
   */
  public EventRecord {
    if (id == null || !EventIds.isValid(id)) {
      throw new IllegalArgumentException("event id is malformed: " + id);
    }
    if (timeMs != EventIds.timeOf(id)) {
      throw new IllegalArgumentException("event time " + timeMs + " differs from its id " + id);
    }
    if (!EventCategory.isKnown(category)) {
      throw new IllegalArgumentException("unknown event category: " + category);
    }
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("event name must match " + NAME + ": " + name);
    }
    if (!EventLevel.isKnown(level)) {
      throw new IllegalArgumentException("unknown event level: " + level);
    }
    if (actor == null
        || actor.isEmpty()
        || actor.length() > MAX_ACTOR_LENGTH
        || !printable(actor)) {
      throw new IllegalArgumentException("event actor must be 1..128 printable characters");
    }
    fields = checkedFields(fields);
  }

  /** A new event with the given id (which fixes its time). */
  public static EventRecord of(
      String id,
      EventCategory category,
      String name,
      EventLevel level,
      String actor,
      Map<String, String> fields) {
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(level, "level");
    return new EventRecord(
        id, EventIds.timeOf(id), category.wireName(), name, level.wireName(), actor, fields);
  }

  private static Map<String, String> checkedFields(Map<String, String> fields) {
    if (fields == null) {
      return Map.of();
    }
    if (fields.size() > MAX_FIELDS) {
      throw new IllegalArgumentException("an event has at most " + MAX_FIELDS + " fields");
    }
    TreeMap<String, String> sorted = new TreeMap<>();
    fields.forEach(
        (k, v) -> {
          if (k == null || !FIELD_NAME.matcher(k).matches()) {
            throw new IllegalArgumentException("event field name must match " + FIELD_NAME);
          }
          if (SECRET_LIKE.matcher(k).matches()) {
            throw new IllegalArgumentException(
                "event field '" + k + "' looks like a secret; events never carry secrets");
          }
          if (v == null || v.length() > MAX_VALUE_LENGTH || !printable(v)) {
            throw new IllegalArgumentException(
                "event field '" + k + "' must be at most 256 printable characters");
          }
          sorted.put(k, v);
        });
    return java.util.Collections.unmodifiableMap(sorted);
  }

  private static boolean printable(String s) {
    return s.chars().noneMatch(Character::isISOControl);
  }
}
