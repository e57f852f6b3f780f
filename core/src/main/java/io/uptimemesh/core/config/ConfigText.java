package io.uptimemesh.core.config;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Decoding configuration files: strict UTF-8, so a stray byte is an error, not a silent "?". */
final class ConfigText {
  private ConfigText() {}

  /**
   * Decodes {@code bytes} as UTF-8, dropping a leading byte-order mark.
   *
   * @throws ConfigException naming {@code source} if the bytes are not valid UTF-8
   */
  static String decodeUtf8(byte[] bytes, String source) {
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      return text.startsWith("\uFEFF") ? text.substring(1) : text;
    } catch (CharacterCodingException e) {
      throw ConfigException.problem(source, null, "is not valid UTF-8 text", e);
    }
  }
}
