package io.uptimemesh.agent.stream;

/**
 * One server-sent event.
 *
 * @param type the {@code event:} field, {@code message} when absent
 * @param data the {@code data:} lines joined with newlines
 * @param id the {@code id:} field, empty when absent
 */
public record SseEvent(String type, String data, String id) {}
