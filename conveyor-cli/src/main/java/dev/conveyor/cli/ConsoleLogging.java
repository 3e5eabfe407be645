package dev.conveyor.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The logging of every conveyor command: one line per event on the console, and only warnings from the libraries
 * that talk a lot at start. Set in code rather than in a logback.xml: reading the XML took about a third of a second
 * of every start on our machines (the XML parser and logback's configuration language, some 500 classes), for a
 * configuration that never changes. A logback.xml (or {@code -Dlogback.configurationFile}) still wins when one is
 * given: logback asks configurators found this way before it looks for files, so this one steps aside for them.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_LOW_PRIORITY)
public final class ConsoleLogging extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (configurationFileGiven()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY; // logback's own configurator reads it
        }
        configureConsole(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** One line per event on the console; the libraries that talk a lot at start, warnings only. */
    static void configureConsole(LoggerContext context) {
        ch.qos.logback.core.encoder.Encoder<ILoggingEvent> encoder;
        if ("json".equalsIgnoreCase(System.getenv("CONVEYOR_LOG_FORMAT"))) { // issue 19: structured logs
            encoder = new JsonLogLines();
        } else {
            PatternLayoutEncoder pattern = new PatternLayoutEncoder();
            pattern.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n");
            encoder = pattern;
        }
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("console");
        console.setEncoder(encoder);
        console.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        for (String quiet : new String[] {"org.flywaydb", "com.zaxxer.hikari", "org.eclipse.jetty"}) {
            context.getLogger(quiet).setLevel(Level.WARN);
        }
    }

    /** A file logback would read: named by {@code -Dlogback.configurationFile}, or on the class path. */
    private static boolean configurationFileGiven() {
        ClassLoader loader = ConsoleLogging.class.getClassLoader();
        return System.getProperty("logback.configurationFile") != null || loader.getResource("logback-test.xml") != null
                || loader.getResource("logback.xml") != null;
    }
}
