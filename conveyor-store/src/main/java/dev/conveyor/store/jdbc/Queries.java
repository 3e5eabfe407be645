package dev.conveyor.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Runs a query and maps each row to a record, so a repository only says how one row reads. */
public final class Queries {
    private Queries() {
    }

    /** Reads the row the result set is at. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    /** Every row {@code s} returns, in order; {@code s}'s parameters are already bound. */
    public static <T> List<T> list(PreparedStatement s, RowMapper<T> mapper) throws SQLException {
        List<T> rows = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
                rows.add(mapper.map(r));
            }
        }
        return rows;
    }

    /** Every row of {@code sql} with {@code params} bound in order. */
    public static <T> List<T> list(Connection c, String sql, RowMapper<T> mapper, String... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, params);
            return list(s, mapper);
        }
    }

    /** The first row of {@code sql} with {@code params} bound in order, if there is one. */
    public static <T> Optional<T> first(Connection c, String sql, RowMapper<T> mapper, String... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, params);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(mapper.map(r)) : Optional.empty();
            }
        }
    }

    /** Runs an INSERT, UPDATE or DELETE with {@code params} bound in order; returns how many rows it changed. */
    public static int update(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, params);
            return s.executeUpdate();
        }
    }

    private static void bind(PreparedStatement s, String... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            s.setString(i + 1, params[i]);
        }
    }
}
