package dev.conveyor.store.changes;

import java.util.Locale;

/** Picks the change feed that fits a database URL. */
public final class ChangeFeeds {
    private ChangeFeeds() {
    }

    /**
     * The feed for the database at {@code jdbcUrl}: LISTEN/NOTIFY for PostgreSQL; local for an H2 file or
     * in-memory database opened in this process (H2 locks a file database to one process); unreliable (caches
     * off) for an H2 database other processes can reach (a TCP server, or AUTO_SERVER mode).
     */
    public static ChangeFeed forUrl(String jdbcUrl) {
        String url = jdbcUrl.toLowerCase(Locale.ROOT);
        if (url.startsWith("jdbc:postgresql:")) {
            return new PostgresChangeFeed(jdbcUrl);
        }
        boolean inProcess = url.startsWith("jdbc:h2:file:") || url.startsWith("jdbc:h2:mem:")
                || (url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:tcp:") && !url.startsWith("jdbc:h2:ssl:"));
        if (inProcess && !url.contains("auto_server=true")) {
            return new InProcessChangeFeed(true);
        }
        return new InProcessChangeFeed(false);
    }
}
