package dev.conveyor.store.codebuild;

import dev.conveyor.store.Database;
import dev.conveyor.store.Page;
import dev.conveyor.store.jdbc.Columns;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Report groups, reports and their test cases. A report and its test cases are written in one transaction, so a
 * report is never seen without its cases.
 */
public final class ReportRepository {
    private static final String GROUP_COLUMNS = "arn, name, type, created_at, updated_at";
    private static final String REPORT_COLUMNS = "arn, report_group_arn, name, type, execution_id, status, total, succeeded, "
            + "failed, skipped, errored, unknown_count, duration_ns, truncated, created_at";
    private static final String CASE_COLUMNS = "report_arn, seq, name, prefix, test_suite_name, status, duration_ns, message, "
            + "test_raw_data_path";

    /** How ListReportGroups sorts. */
    public enum GroupSortBy { NAME, CREATED_TIME, LAST_MODIFIED_TIME }

    private final Database db;

    public ReportRepository(Database db) {
        this.db = db;
    }

    /** Stores a report with its test cases, creating its group first when it is new (named by the group row). */
    public void insert(ReportGroupRow group, ReportRow report, List<TestCaseRow> cases) {
        db.inTransaction(c -> {
            Optional<ReportGroupRow> existing = group(c, group.arn());
            if (existing.isEmpty()) {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO codebuild_report_group (" + GROUP_COLUMNS + ") VALUES (?, ?, ?, ?, ?)")) {
                    s.setString(1, group.arn());
                    s.setString(2, group.name());
                    s.setString(3, group.type());
                    Columns.setInstant(s, 4, group.createdAt());
                    Columns.setInstant(s, 5, group.updatedAt());
                    s.executeUpdate();
                }
            } else {
                try (PreparedStatement s = c.prepareStatement("UPDATE codebuild_report_group SET updated_at = ? WHERE arn = ?")) {
                    Columns.setInstant(s, 1, report.createdAt());
                    s.setString(2, group.arn());
                    s.executeUpdate();
                }
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO codebuild_report (" + REPORT_COLUMNS + ") VALUES "
                    + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, report.arn());
                s.setString(2, report.reportGroupArn());
                s.setString(3, report.name());
                s.setString(4, report.type());
                s.setString(5, report.executionId());
                s.setString(6, report.status());
                s.setInt(7, report.total());
                s.setInt(8, report.succeeded());
                s.setInt(9, report.failed());
                s.setInt(10, report.skipped());
                s.setInt(11, report.errored());
                s.setInt(12, report.unknown());
                s.setLong(13, report.durationNanos());
                s.setBoolean(14, report.truncated());
                Columns.setInstant(s, 15, report.createdAt());
                s.executeUpdate();
            }
            insertCases(c, cases);
            return null;
        });
    }

    /** Adds test cases to a stored report (a build sends many in several batches). */
    public void addTestCases(List<TestCaseRow> cases) {
        db.inTransaction(c -> {
            insertCases(c, cases);
            return null;
        });
    }

    private static void insertCases(Connection c, List<TestCaseRow> cases) throws SQLException {
        if (cases.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO codebuild_test_case (" + CASE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (TestCaseRow tc : cases) {
                s.setString(1, tc.reportArn());
                s.setInt(2, tc.seq());
                s.setString(3, tc.name());
                s.setString(4, tc.prefix());
                s.setString(5, tc.testSuiteName());
                s.setString(6, tc.status());
                s.setLong(7, tc.durationNanos());
                s.setString(8, tc.message());
                s.setString(9, tc.testRawDataPath());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    public Optional<ReportGroupRow> group(String arn) {
        return db.read(c -> group(c, arn));
    }

    private static Optional<ReportGroupRow> group(Connection c, String arn) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + GROUP_COLUMNS + " FROM codebuild_report_group WHERE arn = ?")) {
            s.setString(1, arn);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(new ReportGroupRow(r.getString(1), r.getString(2), r.getString(3),
                        Columns.instant(r, "created_at"), Columns.instant(r, "updated_at"))) : Optional.empty();
            }
        }
    }

    /** Report group ARNs in the order asked. */
    public Page<String> groupArns(GroupSortBy sortBy, boolean ascending, int max, String pageKey) {
        String column = switch (sortBy) {
            case NAME -> "name";
            case CREATED_TIME -> "created_at";
            case LAST_MODIFIED_TIME -> "updated_at";
        };
        return strings("SELECT arn FROM codebuild_report_group ORDER BY " + column + " " + Paging.direction(ascending) + ", name",
                List.of(), max, pageKey);
    }

    /** Report ARNs, newest first (or oldest), of every group or of one, optionally with one status only. */
    public Page<String> reportArns(String groupArn, String status, boolean ascending, int max, String pageKey) {
        List<String> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT arn FROM codebuild_report WHERE 1 = 1");
        if (groupArn != null) {
            sql.append(" AND report_group_arn = ?");
            params.add(groupArn);
        }
        if (status != null) {
            sql.append(" AND status = ?");
            params.add(status);
        }
        String order = Paging.direction(ascending);
        sql.append(" ORDER BY created_at ").append(order).append(", arn ").append(order);
        return strings(sql.toString(), params, max, pageKey);
    }

    /** The reports of those ARNs that exist, in the order asked. */
    public List<ReportRow> reports(Collection<String> arns) {
        return db.read(c -> {
            List<ReportRow> found = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT " + REPORT_COLUMNS + " FROM codebuild_report WHERE arn = ?")) {
                for (String arn : arns) {
                    s.setString(1, arn);
                    try (ResultSet r = s.executeQuery()) {
                        if (r.next()) {
                            found.add(new ReportRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                                    r.getString(6), r.getInt(7), r.getInt(8), r.getInt(9), r.getInt(10), r.getInt(11), r.getInt(12),
                                    r.getLong(13), r.getBoolean(14), Columns.instant(r, "created_at")));
                        }
                    }
                }
            }
            return found;
        });
    }

    /**
     * A report's test cases in file order, optionally only those of one status and those whose name, prefix or
     * suite contains {@code keyword}.
     */
    public Page<TestCaseRow> testCases(String reportArn, String status, String keyword, int max, String pageKey) {
        int offset = Paging.offset(pageKey);
        StringBuilder sql = new StringBuilder("SELECT " + CASE_COLUMNS + " FROM codebuild_test_case WHERE report_arn = ?");
        List<String> params = new ArrayList<>(List.of(reportArn));
        if (status != null) {
            sql.append(" AND status = ?");
            params.add(status);
        }
        if (keyword != null && !keyword.isEmpty()) {
            sql.append(" AND (LOWER(name) LIKE ? OR LOWER(COALESCE(prefix, '')) LIKE ? OR LOWER(COALESCE(test_suite_name, '')) LIKE ?)");
            String like = "%" + keyword.toLowerCase().replace("%", "").replace("_", "") + "%";
            params.addAll(List.of(like, like, like));
        }
        sql.append(" ORDER BY seq LIMIT ? OFFSET ?");
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                int i = 1;
                for (String p : params) {
                    s.setString(i++, p);
                }
                s.setInt(i++, max + 1);
                s.setInt(i, offset);
                List<TestCaseRow> rows = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        rows.add(new TestCaseRow(r.getString(1), r.getInt(2), r.getString(3), r.getString(4), r.getString(5),
                                r.getString(6), r.getLong(7), r.getString(8), r.getString(9)));
                    }
                }
                return rows.size() > max ? new Page<>(List.copyOf(rows.subList(0, max)), Integer.toString(offset + max))
                        : new Page<>(rows, null);
            }
        });
    }

    private Page<String> strings(String sql, List<String> params, int max, String pageKey) {
        int offset = Paging.offset(pageKey);
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(sql + " LIMIT ? OFFSET ?")) {
                int i = 1;
                for (String p : params) {
                    s.setString(i++, p);
                }
                s.setInt(i++, max + 1);
                s.setInt(i, offset);
                List<String> values = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        values.add(r.getString(1));
                    }
                }
                return values.size() > max ? new Page<>(List.copyOf(values.subList(0, max)), Integer.toString(offset + max))
                        : new Page<>(values, null);
            }
        });
    }
}
