package io.uptimemesh.web;

import io.uptimemesh.core.error.UptimeMeshException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;

/** Reading JSON request bodies with errors that name the field. */
public final class Bodies {
  private Bodies() {}

  /** The body as a JSON object; 400 if it is missing or not a JSON object. */
  public static JsonObject json(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) {
        throw UptimeMeshException.invalid("a JSON object body is required");
      }
      return body;
    } catch (DecodeException | ClassCastException e) {
      throw UptimeMeshException.invalid("request body is not a JSON object");
    }
  }

  public static String requiredString(JsonObject body, String field) {
    String value = optionalString(body, field);
    if (value == null || value.isBlank()) {
      throw UptimeMeshException.invalid("field '" + field + "' is required");
    }
    return value;
  }

  public static String optionalString(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      throw UptimeMeshException.invalid("field '" + field + "' must be a string");
    }
    return s;
  }

  public static int optionalInt(JsonObject body, String field, int fallback) {
    Object value = body.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Integer i)) {
      throw UptimeMeshException.invalid("field '" + field + "' must be an integer");
    }
    return i;
  }

  public static boolean optionalBoolean(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return false;
    }
    if (!(value instanceof Boolean b)) {
      throw UptimeMeshException.invalid("field '" + field + "' must be true or false");
    }
    return b;
  }

  /** A JSON object of string values; 400 naming the field otherwise. */
  public static Map<String, String> stringMap(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof JsonObject obj)) {
      throw UptimeMeshException.invalid("field '" + field + "' must be an object of strings");
    }
    Map<String, String> out = new HashMap<>();
    for (String k : obj.fieldNames()) {
      if (!(obj.getValue(k) instanceof String s)) {
        throw UptimeMeshException.invalid("field '" + field + "." + k + "' must be a string");
      }
      out.put(k, s);
    }
    return out;
  }
}
