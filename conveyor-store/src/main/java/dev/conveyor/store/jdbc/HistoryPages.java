package dev.conveyor.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Pages of an execution history table (action executions, rule executions) as their List operations show them: a
 * pipeline's rows, of one of its executions when asked, newest first (by start, then id), after a (start, id) cursor.
 * The table needs {@code pipeline_name}, {@code pipeline_execution_id}, {@code started_at} and {@code id} columns.
 */
public final class HistoryPages {
    private HistoryPages() {
    }

    /**
     * @param table       the table (a constant of the caller's: it is pasted into the SQL)
     * @param columns     the columns {@code mapper} reads (a constant too)
     * @param executionId only this pipeline execution's rows, when not null
     * @param beforeStart with {@code beforeId}, the cursor: rows that come after it newest first, when not null
     */
    public static <T> List<T> newestFirst(Connection c, String table, String columns, String pipelineName, String executionId,
                                          Instant beforeStart, String beforeId, int limit, Queries.RowMapper<T> mapper) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + columns + " FROM " + table + " WHERE pipeline_name = ?");
        if (executionId != null) {
            sql.append(" AND pipeline_execution_id = ?");
        }
        if (beforeStart != null) {
            sql.append(" AND (started_at < ? OR (started_at = ? AND id < ?))");
        }
        sql.append(" ORDER BY started_at DESC, id DESC LIMIT ?");
        try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            int i = 1;
            s.setString(i++, pipelineName);
            if (executionId != null) {
                s.setString(i++, executionId);
            }
            if (beforeStart != null) {
                Columns.setInstant(s, i++, beforeStart);
                Columns.setInstant(s, i++, beforeStart);
                s.setString(i++, beforeId);
            }
            s.setInt(i, limit);
            return Queries.list(s, mapper);
        }
    }
}
