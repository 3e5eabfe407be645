package dev.conveyor.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Structured logs (issue 19, {@code CONVEYOR_LOG_FORMAT=json}): one JSON object per line with {@code time} (ISO 8601),
 * {@code level}, {@code logger}, {@code thread}, {@code message} and, for a failure, {@code exception}, for log
 * collectors that index fields rather than parse text.
 */
final class JsonLogLines extends EncoderBase<ILoggingEvent> {
    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(256).append('{');
        field(line, "time", Instant.ofEpochMilli(event.getTimeStamp()).toString()).append(',');
        field(line, "level", event.getLevel().toString()).append(',');
        field(line, "logger", event.getLoggerName()).append(',');
        field(line, "thread", event.getThreadName()).append(',');
        field(line, "message", event.getFormattedMessage());
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            field(line.append(','), "exception", ThrowableProxyUtil.asString(thrown));
        }
        return line.append("}\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }

    private static StringBuilder field(StringBuilder line, String name, String value) {
        line.append('"').append(name).append("\":\"");
        String s = value == null ? "" : value;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> line.append("\\\"");
                case '\\' -> line.append("\\\\");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                default -> {
                    if (c < 0x20) {
                        line.append(String.format("\\u%04x", (int) c));
                    } else {
                        line.append(c);
                    }
                }
            }
        }
        return line.append('"');
    }
}
