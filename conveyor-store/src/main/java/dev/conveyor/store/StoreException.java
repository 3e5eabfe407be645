package dev.conveyor.store;

import java.sql.SQLException;

/**
 * A database fault (not a client error): the API answers it with InternalFailure, or with a retriable
 * ServiceUnavailable when {@link StorageFaults} finds the storage at fault (a full disk, an unreachable database).
 */
public final class StoreException extends RuntimeException {
    public StoreException(SQLException cause) {
        super(cause.getMessage(), cause);
    }

    /** True when the cause is a unique or primary key violation (SQLState 23505 on both databases). */
    public static boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }
}
