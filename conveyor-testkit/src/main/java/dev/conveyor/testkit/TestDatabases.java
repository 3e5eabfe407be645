package dev.conveyor.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.stream.Stream;

/**
 * The two databases every repository-level and API-level test runs on, as JDBC URLs of fresh, empty databases.
 * Use as a JUnit {@code @MethodSource("dev.conveyor.testkit.TestDatabases#both")} on parameterised tests.
 */
public final class TestDatabases {
    private TestDatabases() {
    }

    /** A fresh database of the given kind: "h2" (a file database in a new temporary directory) or "postgresql". */
    public static String freshUrl(String kind) {
        return switch (kind) {
            case "h2" -> {
                try {
                    var dir = Files.createTempDirectory("conveyor-h2-");
                    yield "jdbc:h2:async:" + dir.resolve("conveyor") // as Database.embedded opens it
                            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            case "postgresql" -> PostgresServer.shared().createDatabase();
            default -> throw new IllegalArgumentException("unknown database kind " + kind);
        };
    }

    /** Both kinds, for {@code @MethodSource}. */
    public static Stream<String> both() {
        return Stream.of("h2", "postgresql");
    }
}
