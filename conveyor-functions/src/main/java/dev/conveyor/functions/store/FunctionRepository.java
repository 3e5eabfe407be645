package dev.conveyor.functions.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.store.Database;
import dev.conveyor.store.jdbc.Queries;
import dev.conveyor.store.jdbc.UniqueInsert;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Functions' rows. Updates are conditional on the revision read, so two concurrent updates never lose one another. */
public final class FunctionRepository {
    private static final String COLUMNS = "name, runtime, role, handler, description, timeout_seconds, memory_size, environment, "
            + "code_sha256, code_size, revision_id, last_modified";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Database db;

    public FunctionRepository(Database db) {
        this.db = db;
    }

    /** Stores a new function; false when one of that name exists. */
    public boolean insert(FunctionRow row) {
        return UniqueInsert.run(db, c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO lambda_function (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                bind(s, row);
                return s.executeUpdate();
            }
        });
    }

    /** Replaces a function's row if its revision is still {@code expectedRevision}; false otherwise (or if it is gone). */
    public boolean replace(FunctionRow row, String expectedRevision) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE lambda_function SET name = ?, runtime = ?, role = ?, handler = ?, "
                    + "description = ?, timeout_seconds = ?, memory_size = ?, environment = ?, code_sha256 = ?, code_size = ?, "
                    + "revision_id = ?, last_modified = ? WHERE name = ? AND revision_id = ?")) {
                bind(s, row);
                s.setString(13, row.name());
                s.setString(14, expectedRevision);
                return s.executeUpdate() == 1;
            }
        });
    }

    public Optional<FunctionRow> find(String name) {
        return db.read(c -> Queries.first(c, "SELECT " + COLUMNS + " FROM lambda_function WHERE name = ?", FunctionRepository::row, name));
    }

    /** Up to {@code limit} functions in name order, after {@code afterName} (exclusive) when given. */
    public List<FunctionRow> list(String afterName, int limit) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM lambda_function WHERE name > ? ORDER BY name LIMIT ?")) {
                s.setString(1, afterName == null ? "" : afterName);
                s.setInt(2, limit);
                return Queries.list(s, FunctionRepository::row);
            }
        });
    }

    /** Removes a function; false when there was none of that name. */
    public boolean delete(String name) {
        return db.inTransaction(c -> Queries.update(c, "DELETE FROM lambda_function WHERE name = ?", name) == 1);
    }

    /** Whether any function still uses the code of that hash (code is shared between functions by content). */
    public boolean codeInUse(String codeSha256Hex) {
        return db.read(c -> Queries.first(c, "SELECT name FROM lambda_function WHERE code_sha256 = ?", r -> r.getString(1), codeSha256Hex)
                .isPresent());
    }

    private static void bind(PreparedStatement s, FunctionRow row) throws SQLException {
        s.setString(1, row.name());
        s.setString(2, row.runtime());
        s.setString(3, row.role());
        if (row.handler() == null) {
            s.setNull(4, Types.VARCHAR);
        } else {
            s.setString(4, row.handler());
        }
        s.setString(5, row.description());
        s.setInt(6, row.timeoutSeconds());
        s.setInt(7, row.memorySize());
        s.setString(8, toJson(row.environment()));
        s.setString(9, row.codeSha256Hex());
        s.setLong(10, row.codeSize());
        s.setString(11, row.revisionId());
        s.setLong(12, row.lastModified().toEpochMilli());
    }

    private static FunctionRow row(ResultSet r) throws SQLException {
        return new FunctionRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getInt(6), r.getInt(7),
                fromJson(r.getString(8)), r.getString(9), r.getLong(10), r.getString(11), Instant.ofEpochMilli(r.getLong(12)));
    }

    private static String toJson(Map<String, String> environment) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(environment));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> fromJson(String json) {
        try {
            return JSON.readValue(json, new TypeReference<TreeMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable environment in the functions table", e);
        }
    }

}
