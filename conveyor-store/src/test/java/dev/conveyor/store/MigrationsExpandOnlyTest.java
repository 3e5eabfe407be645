package dev.conveyor.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Zero-downtime upgrades (issue 19, docs/operations.md): a replica of version N keeps running beside N+1 on the
 * database N+1 migrated, so every migration of every module only <em>expands</em> the schema: new tables, new
 * indexes, new columns that N's inserts may leave out (nullable, or NOT NULL with a DEFAULT), rows added or filled in,
 * a NOT NULL dropped, a foreign key on a column added by the same migration (N leaves it NULL).
 * Anything else (dropping, renaming, changing a column's type, a new constraint on an existing table) would break N
 * and is a <em>contract</em> step, allowed only in a migration whose first line says {@code -- contract step: <why N
 * no longer needs it>}, shipped a release after N+1's expand. Statements on a table made by the same migration are free.
 */
class MigrationsExpandOnlyTest {
    private static final Pattern FILE = Pattern.compile("V\\d+__.+\\.sql");
    private static final Pattern CREATE_TABLE = Pattern.compile("CREATE TABLE (?:IF NOT EXISTS )?([A-Z0-9_]+).*");
    private static final Pattern CREATE_INDEX = Pattern.compile("CREATE (UNIQUE )?INDEX (?:IF NOT EXISTS )?[A-Z0-9_]+ ON ([A-Z0-9_]+).*");
    private static final Pattern ADD_COLUMN = Pattern.compile(
            "ALTER TABLE ([A-Z0-9_]+) ADD (?!CONSTRAINT |PRIMARY |UNIQUE |FOREIGN |CHECK )(?:COLUMN )?(?:IF NOT EXISTS )?[A-Z0-9_]+ (.*)");
    private static final Pattern DROP_NOT_NULL = Pattern.compile("ALTER TABLE [A-Z0-9_]+ ALTER (?:COLUMN )?[A-Z0-9_]+ DROP NOT NULL");
    private static final Pattern FOREIGN_KEY = Pattern.compile(
            "ALTER TABLE ([A-Z0-9_]+) ADD CONSTRAINT [A-Z0-9_]+ FOREIGN KEY \\(([A-Z0-9_]+)\\) REFERENCES .*");
    private static final Pattern ADDED_COLUMN = Pattern.compile("ALTER TABLE ([A-Z0-9_]+) ADD (?:COLUMN )?(?:IF NOT EXISTS )?([A-Z0-9_]+) .*");
    private static final Pattern ANY_ALTER = Pattern.compile("ALTER TABLE ([A-Z0-9_]+) .*");
    private static final Pattern DATA = Pattern.compile("(INSERT INTO|UPDATE|COMMENT ON) .*");

    /** Every module's migrations, from the source tree (this module's tests run in conveyor-store/). */
    static List<Path> migrations() throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> modules = Files.list(Path.of("..").toAbsolutePath().normalize())) {
            for (Path module : modules.filter(m -> m.getFileName().toString().startsWith("conveyor-")).toList()) {
                Path db = module.resolve("src/main/resources/db");
                if (Files.isDirectory(db)) {
                    try (Stream<Path> files = Files.walk(db)) {
                        files.filter(f -> FILE.matcher(f.getFileName().toString()).matches()).forEach(found::add);
                    }
                }
            }
        }
        return found;
    }

    /** What in {@code sql} a replica of the previous version could not live with; empty for an expand-only migration. */
    static List<String> contractions(String sql) {
        List<String> found = new ArrayList<>();
        Set<String> madeHere = new HashSet<>();
        Set<String> columnsAddedHere = new HashSet<>();
        String code = sql.replaceAll("--[^\\n]*", " ");
        for (String raw : code.split(";")) {
            String statement = String.join(" ", raw.trim().split("\\s+")).toUpperCase(Locale.ROOT);
            if (statement.isEmpty()) {
                continue;
            }
            Matcher m;
            if ((m = CREATE_TABLE.matcher(statement)).matches()) {
                madeHere.add(m.group(1));
            } else if ((m = CREATE_INDEX.matcher(statement)).matches()) {
                if (m.group(1) != null && !madeHere.contains(m.group(2))) {
                    found.add(statement + " (a unique index may refuse rows the previous version writes)");
                }
            } else if (DROP_NOT_NULL.matcher(statement).matches()) {
                continue; // loosening: the previous version's rows still fit (its reads must bear the new rows' NULLs)
            } else if ((m = FOREIGN_KEY.matcher(statement)).matches() && (madeHere.contains(m.group(1))
                    || columnsAddedHere.contains(m.group(1) + "." + m.group(2)))) {
                continue; // a key on a column the previous version never writes (it leaves it NULL) refuses none of its rows
            } else if ((m = ADD_COLUMN.matcher(statement)).matches()) {
                Matcher added = ADDED_COLUMN.matcher(statement);
                if (added.matches()) {
                    columnsAddedHere.add(added.group(1) + "." + added.group(2));
                }
                String definition = m.group(2);
                if (!madeHere.contains(m.group(1)) && definition.contains("NOT NULL") && !definition.contains("DEFAULT")) {
                    found.add(statement + " (the previous version's inserts leave the column out: give it a DEFAULT or let it be NULL)");
                } else if (!madeHere.contains(m.group(1)) && (definition.contains("REFERENCES") || definition.contains("CHECK"))) {
                    found.add(statement + " (a new constraint may refuse rows the previous version writes)");
                }
            } else if ((m = ANY_ALTER.matcher(statement)).matches()) {
                if (!madeHere.contains(m.group(1))) {
                    found.add(statement);
                }
            } else if (!DATA.matcher(statement).matches()) {
                found.add(statement);
            }
        }
        return found;
    }

    @Test
    void everyMigrationOnlyExpandsTheSchemaUnlessItSaysItIsAContractStep() throws IOException {
        List<Path> migrations = migrations();
        assertThat(migrations).as("the store's and the service modules' migrations")
                .anyMatch(p -> p.toString().contains("db/migration")).anyMatch(p -> p.toString().contains("db/cluster"));
        List<String> violations = new ArrayList<>();
        for (Path migration : migrations) {
            String sql = Files.readString(migration);
            if (sql.startsWith("-- contract step:")) {
                continue;
            }
            for (String statement : contractions(sql)) {
                violations.add(Path.of("..").toAbsolutePath().normalize().relativize(migration) + ": " + statement);
            }
        }
        assertThat(violations).as("statements that would break a replica of the previous version (docs/operations.md, "
                + "Zero-downtime upgrades)").isEmpty();
    }

    @Test
    void theRuleKnowsAnExpandFromAContraction() {
        assertThat(contractions("""
                CREATE TABLE widget (id VARCHAR(10) PRIMARY KEY, size INTEGER NOT NULL); -- a new table
                CREATE UNIQUE INDEX widget_size ON widget (size);
                ALTER TABLE widget ADD COLUMN colour VARCHAR(10) NOT NULL;
                CREATE INDEX pipeline_by_name ON pipeline (name);
                ALTER TABLE pipeline ADD COLUMN note VARCHAR(100);
                ALTER TABLE pipeline ADD COLUMN weight INTEGER DEFAULT 0 NOT NULL;
                INSERT INTO widget (id, size) VALUES ('a', 1);
                ALTER TABLE job ALTER COLUMN action_execution_id DROP NOT NULL;
                ALTER TABLE job ADD COLUMN widget_id VARCHAR(10);
                ALTER TABLE job ADD CONSTRAINT job_widget_fk FOREIGN KEY (widget_id) REFERENCES widget (id) ON DELETE CASCADE;
                UPDATE pipeline SET note = 'x' WHERE note IS NULL;
                """)).isEmpty();
        assertThat(contractions("""
                DROP TABLE pipeline;
                ALTER TABLE pipeline DROP COLUMN note;
                ALTER TABLE pipeline RENAME COLUMN name TO title;
                ALTER TABLE pipeline ALTER COLUMN name TYPE TEXT;
                ALTER TABLE pipeline ADD COLUMN owner VARCHAR(10) NOT NULL;
                ALTER TABLE job ADD COLUMN pipeline_id VARCHAR(10) REFERENCES pipeline (name);
                ALTER TABLE job ADD CONSTRAINT job_once UNIQUE (id);
                ALTER TABLE job ADD CONSTRAINT job_pipeline_fk FOREIGN KEY (pipeline_name) REFERENCES pipeline (name);
                CREATE UNIQUE INDEX pipeline_title ON pipeline (title);
                DELETE FROM job;
                TRUNCATE job;
                """)).hasSize(11);
    }
}
