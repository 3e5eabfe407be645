package dev.conveyor.functions.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.store.Database;
import dev.conveyor.testkit.TestDatabases;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The functions' table on both databases: unique names, revision-checked updates, paging, shared code. */
class FunctionRepositoryTest {
    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void storesFunctionsAndUpdatesThemOnlyAtTheRevisionRead(String kind) {
        try (Database database = Database.open(TestDatabases.freshUrl(kind))) {
            FunctionsSchema.migrate(database);
            FunctionsSchema.migrate(database); // a second start finds it up to date
            FunctionRepository repository = new FunctionRepository(database);
            FunctionRow alpha = row("alpha", "r1", "aa".repeat(32), Map.of("GREETING", "hi", "EMPTY", ""));
            assertThat(repository.insert(alpha)).isTrue();
            assertThat(repository.insert(row("alpha", "r9", "bb".repeat(32), Map.of()))).as("names are unique").isFalse();
            assertThat(repository.insert(row("beta", "r2", "aa".repeat(32), Map.of()))).isTrue();
            assertThat(repository.insert(row("gamma", "r3", "cc".repeat(32), Map.of()))).isTrue();
            assertThat(repository.find("alpha")).contains(alpha);

            FunctionRow changed = row("alpha", "r4", "dd".repeat(32), Map.of());
            assertThat(repository.replace(changed, "r0")).as("a stale revision loses").isFalse();
            assertThat(repository.replace(changed, "r1")).isTrue();
            assertThat(repository.find("alpha")).contains(changed);

            assertThat(repository.list(null, 2)).extracting(FunctionRow::name).containsExactly("alpha", "beta");
            assertThat(repository.list("beta", 2)).extracting(FunctionRow::name).containsExactly("gamma");
            assertThat(repository.codeInUse("aa".repeat(32))).isTrue();
            assertThat(repository.delete("beta")).isTrue();
            assertThat(repository.delete("beta")).isFalse();
            assertThat(repository.codeInUse("aa".repeat(32))).isFalse();
        }
    }

    private static FunctionRow row(String name, String revision, String sha, Map<String, String> environment) {
        return new FunctionRow(name, "python3.12", "arn:aws:iam::000000000000:role/r", "app.handler", "", 3, 128, environment, sha, 42,
                revision, Instant.ofEpochMilli(1_700_000_000_123L));
    }
}
