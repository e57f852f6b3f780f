package io.uptimemesh.core.config;

/**
 * Documentation of one runtime setting, as listed in {@code .env.example}.
 *
 * @param key the variable name, e.g. {@code UPTIMEMESH_HTTP_PORT}
 * @param defaultValue the value used when the variable is unset, written as it would be in {@code
 *     .env} (empty when the default is an empty list)
 * @param description one line saying what the setting does
 */
public record SettingDoc(String key, String defaultValue, String description) {}
