package dev.conveyor.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/**
 * Null-safe conversions for nullable columns. JDBC's primitive getters answer 0 or false for SQL NULL, and every
 * timestamp is stored as epoch milliseconds (the same BIGINT on H2 and PostgreSQL), so each getter here checks
 * {@code wasNull} and each setter binds a typed NULL.
 */
public final class Columns {
    private Columns() {
    }

    public static void setInstant(PreparedStatement s, int index, Instant value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.BIGINT);
        } else {
            s.setLong(index, value.toEpochMilli());
        }
    }

    public static Instant instant(ResultSet r, String column) throws SQLException {
        long value = r.getLong(column);
        return r.wasNull() ? null : Instant.ofEpochMilli(value);
    }

    public static void setInteger(PreparedStatement s, int index, Integer value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.INTEGER);
        } else {
            s.setInt(index, value);
        }
    }

    public static Integer integer(ResultSet r, String column) throws SQLException {
        int value = r.getInt(column);
        return r.wasNull() ? null : value;
    }

    public static void setBoolean(PreparedStatement s, int index, Boolean value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.BOOLEAN);
        } else {
            s.setBoolean(index, value);
        }
    }

    public static Boolean bool(ResultSet r, String column) throws SQLException {
        boolean value = r.getBoolean(column);
        return r.wasNull() ? null : value;
    }

    /**
     * Binds {@code values} (nullable) to consecutive parameters from {@code from}: the result columns every execution
     * table keeps alike (output, summary, error code and message, external id and link).
     */
    public static void setStrings(PreparedStatement s, int from, String... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            s.setString(from + i, values[i]);
        }
    }
}
