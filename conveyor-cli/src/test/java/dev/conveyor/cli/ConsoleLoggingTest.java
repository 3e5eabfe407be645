package dev.conveyor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Commands log one line per event to the console, libraries that talk a lot at start only their warnings; a
 * logback.xml on the class path (here the tests' logback-test.xml) still wins over that.
 */
class ConsoleLoggingTest {
    @Test
    void configuresTheConsoleAndQuietsTheTalkativeLibraries() {
        LoggerContext context = new LoggerContext();
        ConsoleLogging.configureConsole(context);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(root.getAppender("console")).isInstanceOf(ConsoleAppender.class);
        assertThat(root.getAppender("console").isStarted()).isTrue();
        for (String quiet : new String[] {"org.flywaydb", "com.zaxxer.hikari", "org.eclipse.jetty"}) {
            assertThat(context.getLogger(quiet).getLevel()).as(quiet).isEqualTo(Level.WARN);
        }
        assertThat(context.getLogger("dev.conveyor").getEffectiveLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void isFoundByLogbackAndYieldsToAConfigurationFile() {
        assertThat(ServiceLoader.load(Configurator.class).stream().map(ServiceLoader.Provider::type))
                .contains(ConsoleLogging.class);
        LoggerContext fresh = new LoggerContext();
        ConsoleLogging logging = new ConsoleLogging();
        logging.setContext(fresh);
        assertThat(logging.configure(fresh)).as("with logback-test.xml on the class path")
                .isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(fresh.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("console")).isNull();
        LoggerContext active = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = active.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getAppender("OUT")).as("the appender logback-test.xml names").isNotNull();
        assertThat(root.getAppender("console")).isNull();
    }
}
