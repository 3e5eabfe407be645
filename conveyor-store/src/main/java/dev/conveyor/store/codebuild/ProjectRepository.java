package dev.conveyor.store.codebuild;

import dev.conveyor.store.Database;
import dev.conveyor.store.Page;
import dev.conveyor.store.jdbc.Columns;
import dev.conveyor.store.jdbc.Queries;
import dev.conveyor.store.jdbc.UniqueInsert;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** CodeBuild projects by name, and the build numbers each hands out (1, 2, 3… per project, never reused). */
public final class ProjectRepository {
    private static final String COLUMNS = "name, arn, definition, build_count, created_at, updated_at";

    /** How ListProjects sorts. */
    public enum SortBy { NAME, CREATED_TIME, LAST_MODIFIED_TIME }

    private final Database db;

    public ProjectRepository(Database db) {
        this.db = db;
    }

    /** Stores a new project; false when one of that name exists. */
    public boolean create(ProjectRow project) {
        return UniqueInsert.run(db, c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO codebuild_project (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")) {
                s.setString(1, project.name());
                s.setString(2, project.arn());
                s.setString(3, project.definitionJson());
                s.setLong(4, project.buildCount());
                Columns.setInstant(s, 5, project.createdAt());
                Columns.setInstant(s, 6, project.updatedAt());
                return s.executeUpdate();
            }
        });
    }

    /** Replaces a project's definition; false when there is no such project. */
    public boolean update(String name, String definitionJson, Instant updatedAt) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE codebuild_project SET definition = ?, updated_at = ? WHERE name = ?")) {
                s.setString(1, definitionJson);
                Columns.setInstant(s, 2, updatedAt);
                s.setString(3, name);
                return s.executeUpdate() == 1;
            }
        });
    }

    public Optional<ProjectRow> find(String name) {
        return db.read(c -> find(c, name));
    }

    private static Optional<ProjectRow> find(Connection c, String name) throws SQLException {
        return Queries.first(c, "SELECT " + COLUMNS + " FROM codebuild_project WHERE name = ?", ProjectRepository::row, name);
    }

    /** The projects of those names that exist, in no particular order. */
    public List<ProjectRow> findAll(Collection<String> names) {
        List<ProjectRow> found = new ArrayList<>();
        db.read(c -> {
            for (String name : names) {
                find(c, name).ifPresent(found::add);
            }
            return null;
        });
        return found;
    }

    public boolean delete(String name) {
        return db.inTransaction(c -> Queries.update(c, "DELETE FROM codebuild_project WHERE name = ?", name) == 1);
    }

    /** Project names in the order asked, {@code max} at a time from the page key of the previous page. */
    public Page<String> names(SortBy sortBy, boolean ascending, int max, String pageKey) {
        int offset = Paging.offset(pageKey);
        String column = switch (sortBy) {
            case NAME -> "name";
            case CREATED_TIME -> "created_at";
            case LAST_MODIFIED_TIME -> "updated_at";
        };
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT name FROM codebuild_project ORDER BY " + column + " "
                    + Paging.direction(ascending) + ", name LIMIT ? OFFSET ?")) {
                s.setInt(1, max + 1);
                s.setInt(2, offset);
                List<String> names = Queries.list(s, r -> r.getString(1));
                return names.size() > max ? new Page<>(List.copyOf(names.subList(0, max)), Integer.toString(offset + max))
                        : new Page<>(names, null);
            }
        });
    }

    /** Hands out the project's next build number; empty when the project does not exist. */
    public Optional<Long> nextBuildNumber(String name) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE codebuild_project SET build_count = build_count + 1 WHERE name = ?")) {
                s.setString(1, name);
                if (s.executeUpdate() == 0) {
                    return Optional.empty();
                }
            }
            return find(c, name).map(ProjectRow::buildCount);
        });
    }

    private static ProjectRow row(ResultSet r) throws SQLException {
        return new ProjectRow(r.getString("name"), r.getString("arn"), r.getString("definition"), r.getLong("build_count"),
                Columns.instant(r, "created_at"), Columns.instant(r, "updated_at"));
    }
}
