package dev.conveyor.store;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;
import java.util.Set;

/**
 * Tells a fault of the storage underneath (a full disk, a database that closed or cannot be reached) from any other
 * failure: such a fault says nothing about the request, and the same request may succeed once the storage is back,
 * so the APIs answer it with their retriable "service unavailable" error rather than an internal failure.
 */
public final class StorageFaults {
    /** H2's codes for a database that closed, or for I/O that failed underneath it. */
    private static final Set<Integer> H2_UNAVAILABLE = Set.of(
            90098, // DATABASE_IS_CLOSED: H2 closes the database for good after a failed write (a full disk)
            90121, // DATABASE_CALLED_AT_SHUTDOWN
            90028, // IO_EXCEPTION_1
            90031, // IO_EXCEPTION_2
            90062); // FILE_CREATION_FAILED_1
    /** H2's code for a failed write of its store, as seen by the statement that caused it (the database closes). */
    private static final int H2_GENERAL_ERROR = 50000;

    private StorageFaults() {
    }

    /** True when {@code failure}, or anything that caused it, is a fault of the storage that may pass. */
    public static boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && isUnavailable(sql)) {
                return true;
            }
            if (t instanceof IOException io && isOutOfSpace(io)) {
                return true;
            }
        }
        return false;
    }

    /** True when the H2 database must be reopened before it serves again: it closed itself after a failed write. */
    static boolean closesH2(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && (H2_UNAVAILABLE.contains(sql.getErrorCode())
                    || sql.getErrorCode() == H2_GENERAL_ERROR && isUnavailable(sql.getCause()))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isUnavailable(SQLException e) {
        if (e instanceof SQLTransientConnectionException) {
            return true; // the pool had no connection to give (the database does not answer)
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        // SQL standard class 08: connection exceptions; PostgreSQL's 53: insufficient resources (53100 disk_full),
        // 57P01..57P03: the server is shutting down or not accepting connections yet.
        return state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")
                || H2_UNAVAILABLE.contains(e.getErrorCode());
    }

    private static boolean isOutOfSpace(IOException e) {
        String reason = e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : e.getMessage();
        if (reason == null) {
            return false;
        }
        String lower = reason.toLowerCase(Locale.ROOT);
        // ENOSPC and EDQUOT, as the JDK words them on Linux and macOS
        return lower.contains("no space left on device") || lower.contains("disk quota exceeded");
    }
}
