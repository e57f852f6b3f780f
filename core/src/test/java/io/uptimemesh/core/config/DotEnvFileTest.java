package io.uptimemesh.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DotEnvFileTest {

  @TempDir Path dir;

  @Test
  void readsAssignmentsSkippingBlankLinesAndComments() {
    String text =
        """
        # a comment
           # an indented comment

        APP_ENV=prod
        export LOG_LEVEL=debug
        export   ETCD_PREFIX = /spaced
        EMPTY=
        """;

    assertThat(DotEnvFile.parse(".env", text))
        .containsExactly(
            entry("APP_ENV", "prod"),
            entry("LOG_LEVEL", "debug"),
            entry("ETCD_PREFIX", "/spaced"),
            entry("EMPTY", ""));
  }

  @Test
  void stripsQuotesAndInlineComments() {
    String text =
        """
        DOUBLE="two words" # comment after quotes
        SINGLE='it s'
        SINGLE_LITERAL='a \\n b # not a comment'
        ESCAPES="tab\\there \\"quoted\\" back\\\\slash \\d"
        UNQUOTED=value # comment
        HASH=a#b
        HASH_FIRST=#kept
        SPACE_HASH= #only a comment
        URL=http://h:1/#frag
        INNER_QUOTES=say "hi"
        """;

    assertThat(DotEnvFile.parse(".env", text))
        .containsExactly(
            entry("DOUBLE", "two words"),
            entry("SINGLE", "it s"),
            entry("SINGLE_LITERAL", "a \\n b # not a comment"),
            entry("ESCAPES", "tab\there \"quoted\" back\\slash \\d"),
            entry("UNQUOTED", "value"),
            entry("HASH", "a#b"),
            entry("HASH_FIRST", "#kept"),
            entry("SPACE_HASH", ""),
            entry("URL", "http://h:1/#frag"),
            entry("INNER_QUOTES", "say \"hi\""));
  }

  @Test
  void laterLineWins() {
    assertThat(DotEnvFile.parse(".env", "A=1\nA=2\n")).containsExactly(entry("A", "2"));
  }

  @Test
  void handlesWindowsLineEndingsAndByteOrderMark() {
    assertThat(DotEnvFile.parse(".env", "\uFEFFA=1\r\nB=\"x\"\r\n"))
        .containsExactly(entry("A", "1"), entry("B", "x"));
  }

  @Test
  void lineWithoutEqualsSignIsMalformed() {
    assertThatThrownBy(() -> DotEnvFile.parse("conf/.env", "A=1\n\nAUTH_SECRET_KEY s3cr3t-value\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("conf/.env: line 3 is malformed: no '=' found")
        .hasMessageNotContaining("s3cr3t-value")
        .extracting(e -> ((ConfigException) e).source())
        .isEqualTo("conf/.env");
  }

  @Test
  void invalidNameIsMalformed() {
    assertThatThrownBy(() -> DotEnvFile.parse(".env", "1ABC=x\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(".env: line 1 is malformed: the name before '=' is not valid");
    assertThatThrownBy(() -> DotEnvFile.parse(".env", "# ok\nMY-KEY=x\n"))
        .hasMessageStartingWith(".env: line 2 is malformed");
    assertThatThrownBy(() -> DotEnvFile.parse(".env", "=x\n"))
        .hasMessageStartingWith(".env: line 1 is malformed");
  }

  @Test
  void unterminatedQuoteIsMalformedWithoutShowingTheValue() {
    assertThatThrownBy(() -> DotEnvFile.parse(".env", "A=1\nAUTH_SECRET_KEY=\"hunter2-abc\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            ".env: line 2 is malformed: AUTH_SECRET_KEY has an unterminated double quote (values"
                + " cannot span lines)")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void textAfterClosingQuoteIsMalformed() {
    assertThatThrownBy(() -> DotEnvFile.parse(".env", "A='x' y\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            ".env: line 1 is malformed: A has text after the closing single quote; only a #"
                + " comment may follow");
  }

  @Test
  void missingFileReadsAsEmpty() {
    assertThat(DotEnvFile.read(dir.resolve("absent.env"))).isEmpty();
  }

  @Test
  void readsFileFromDisk() throws IOException {
    Path file = Files.writeString(dir.resolve(".env"), "export A='1'\n");

    assertThat(DotEnvFile.read(file)).containsExactly(entry("A", "1"));
  }

  @Test
  void invalidUtf8IsReported() throws IOException {
    Path file = Files.write(dir.resolve(".env"), new byte[] {'A', '=', (byte) 0xFF, '\n'});

    assertThatThrownBy(() -> DotEnvFile.read(file))
        .isInstanceOf(ConfigException.class)
        .hasMessage(file + ": is not valid UTF-8 text");
  }
}
