package io.uptimemesh.launcher;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback from the runtime settings: readable lines on the console, JSON lines in {@code
 * LOG_FILE} (rotated daily and by size), level from {@code LOG_LEVEL}. Replaces the console only
 * setup of {@code logback.xml} that covers the moments before settings are read.
 */
final class LoggingSetup {
  private LoggingSetup() {}

  private static volatile boolean configured;

  /**
   * Drains queued log events and closes the outputs; call last, before the JVM exits. A no-op when
   * logging was never set up (client commands), so it does not start Logback just to stop it.
   */
  static void flush() {
    if (configured) {
      ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }
  }

  private static AsyncAppender async(LoggerContext ctx, Appender<ILoggingEvent> target) {
    AsyncAppender async = new AsyncAppender();
    async.setContext(ctx);
    async.setName("async-" + target.getName());
    async.setQueueSize(8192);
    async.setNeverBlock(true);
    async.setMaxFlushTime(2000);
    async.addAppender(target);
    async.start();
    return async;
  }

  static void configure(String level, Path logFile) throws IOException {
    Path parent = logFile.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();

    PatternLayoutEncoder pattern = new PatternLayoutEncoder();
    pattern.setContext(ctx);
    pattern.setPattern(ConsoleLogging.PATTERN);
    pattern.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(ctx);
    console.setName("console");
    console.setEncoder(pattern);
    console.start();

    LogstashEncoder json = new LogstashEncoder();
    json.setContext(ctx);
    json.setCustomFields("{\"service\":\"uptimemesh\"}");
    json.start();
    RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
    file.setContext(ctx);
    file.setName("file");
    file.setFile(logFile.toString());
    file.setEncoder(json);
    SizeAndTimeBasedRollingPolicy<ILoggingEvent> rolling = new SizeAndTimeBasedRollingPolicy<>();
    rolling.setContext(ctx);
    rolling.setParent(file);
    rolling.setFileNamePattern(logFile + ".%d{yyyy-MM-dd}.%i.gz");
    rolling.setMaxFileSize(FileSize.valueOf("50MB"));
    rolling.setMaxHistory(7);
    rolling.setTotalSizeCap(FileSize.valueOf("1GB"));
    rolling.start();
    file.setRollingPolicy(rolling);
    file.start();

    configured = true;
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(level, Level.INFO));
    root.addAppender(async(ctx, console));
    root.addAppender(async(ctx, file));
    // Libraries are chatty at INFO and below; their warnings still show.
    Level libraries = root.getLevel().isGreaterOrEqual(Level.INFO) ? Level.WARN : root.getLevel();
    for (String lib :
        new String[] {"io.netty", "io.grpc", "io.etcd", "io.vertx", "io.micrometer"}) {
      ctx.getLogger(lib).setLevel(libraries);
    }
  }
}
