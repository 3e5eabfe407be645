package dev.conveyor.store.jdbc;

import dev.conveyor.store.Database;
import dev.conveyor.store.StoreException;
import java.sql.SQLException;

/**
 * An insert whose row may already exist under the same key. The unique constraint decides, not a prior SELECT, so
 * of two concurrent creates exactly one wins and the other is told "already exists" rather than failing.
 */
public final class UniqueInsert {
    private UniqueInsert() {
    }

    /** Runs {@code insert} in its own transaction: true when it stored the row, false when the key was taken. */
    public static boolean run(Database db, Database.SqlWork<?> insert) {
        try {
            db.inTransaction(insert);
            return true;
        } catch (StoreException e) {
            if (e.getCause() instanceof SQLException sql && StoreException.isUniqueViolation(sql)) {
                return false;
            }
            throw e;
        }
    }
}
