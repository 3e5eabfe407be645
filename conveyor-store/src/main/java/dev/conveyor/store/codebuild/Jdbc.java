package dev.conveyor.store.codebuild;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/** Null-safe epoch-millisecond conversions and paging arithmetic for this package's tables. */
final class Jdbc {
    private Jdbc() {
    }

    static void setInstant(PreparedStatement s, int index, Instant value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.BIGINT);
        } else {
            s.setLong(index, value.toEpochMilli());
        }
    }

    static Instant instant(ResultSet r, String column) throws SQLException {
        long value = r.getLong(column);
        return r.wasNull() ? null : Instant.ofEpochMilli(value);
    }

    /** The offset a page token stands for: tokens are plain offsets into a stable ordering. */
    static int offset(String pageKey) {
        if (pageKey == null || pageKey.isEmpty()) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(pageKey));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String direction(boolean ascending) {
        return ascending ? "ASC" : "DESC";
    }
}
