package dev.conveyor.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.model.errors.PipelineNameInUseException;
import dev.conveyor.model.errors.PipelineNotFoundException;
import dev.conveyor.model.errors.PipelineVersionNotFoundException;
import dev.conveyor.model.errors.TooManyTagsException;
import dev.conveyor.model.pipeline.Tag;
import dev.conveyor.testkit.TestDatabases;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The pipeline and tag repositories, run against the embedded database and a real PostgreSQL. */
class PipelineRepositoryTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00.123Z");

    private static PipelineRepository.NewVersion json(String marker) {
        return new PipelineRepository.NewVersion("V2", "QUEUED", "{\"marker\":\"" + marker + "\"}");
    }

    private static String text(Database db, PipelineRepository repo, int version) {
        return db.<String>read(c -> repo.declarationJson(c, "p", version));
    }

    private static Database open(String kind) {
        return Database.open(TestDatabases.freshUrl(kind));
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void keepsEveryVersionAndReadsEachBack(String kind) {
        try (Database db = open(kind)) {
            var tags = new TagRepository(db, 50);
            var repo = new PipelineRepository(db, tags);
            repo.create("p", "arn:p", json("v1"), List.of(new Tag("team", "a")), T0);
            repo.update("p", v -> json("v" + v), T0.plusSeconds(10));
            StoredPipeline third = repo.update("p", v -> json("v" + v), T0.plusSeconds(20));

            assertThat(third.version()).isEqualTo(3);
            assertThat(repo.get("p", null).declarationJson()).isEqualTo("{\"marker\":\"v3\"}");
            assertThat(repo.get("p", 1).declarationJson()).isEqualTo("{\"marker\":\"v1\"}");
            assertThat(repo.get("p", 2).updated()).isEqualTo(T0.plusSeconds(10));
            assertThat(repo.get("p", null).created()).isEqualTo(T0);
            assertThat(repo.get("p", null).updated()).isEqualTo(T0.plusSeconds(20));
            assertThatThrownBy(() -> repo.get("p", 4)).isInstanceOf(PipelineVersionNotFoundException.class);
            assertThatThrownBy(() -> repo.get("nope", null)).isInstanceOf(PipelineNotFoundException.class);
        }
    }

    /**
     * A version's text for the engine: the latest version the cache holds is the cached string itself (one copy in
     * memory, issue 20), older versions and a version written since come from the database.
     */
    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aVersionsTextIsTheCachedStringWhileTheCacheHoldsIt(String kind) {
        try (Database db = open(kind)) {
            var repo = new PipelineRepository(db, new TagRepository(db, 50));
            repo.create("p", "arn:p", json("v1"), List.of(), T0);
            repo.update("p", v -> json("v" + v), T0);
            // PostgreSQL's change feed vouches for the cache once its LISTEN connection is up.
            dev.conveyor.testkit.Await.await(repo::changesReliable, Boolean::booleanValue, java.time.Duration.ofSeconds(30), "a reliable feed");
            // The notice of the update above may still arrive after the feed is up and empty the cache once; the
            // cache then holds the version again at the next read, and from then on its string is the text itself.
            dev.conveyor.testkit.Await.await(() -> text(db, repo, 2) == repo.get("p", null).declarationJson(), Boolean::booleanValue,
                    java.time.Duration.ofSeconds(30), "version 2's text to be the cached string");
            StoredPipeline latest = repo.get("p", null);

            assertThat(text(db, repo, 2)).isSameAs(latest.declarationJson());
            assertThat(text(db, repo, 1)).isEqualTo("{\"marker\":\"v1\"}");
            assertThat(text(db, repo, 3)).isNull();

            repo.update("p", v -> json("v" + v), T0);
            assertThat(text(db, repo, 3)).isEqualTo("{\"marker\":\"v3\"}");
            assertThat(text(db, repo, 2)).isEqualTo("{\"marker\":\"v2\"}");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void recordsWhoWroteEachVersion(String kind) {
        try (Database db = open(kind)) {
            var repo = new PipelineRepository(db, new TagRepository(db, 50));
            repo.create("p", "arn:p", new PipelineRepository.NewVersion("V2", "QUEUED", "{}", "{\"arn\":\"alice\"}"), List.of(), T0);
            repo.update("p", v -> new PipelineRepository.NewVersion("V2", "QUEUED", "{}", "{\"arn\":\"bob\"}"), T0);
            repo.update("p", v -> json("open mode"), T0);

            assertThat(repo.author("p", 1)).isEqualTo("{\"arn\":\"alice\"}");
            assertThat(repo.author("p", 2)).as("each version its own author").isEqualTo("{\"arn\":\"bob\"}");
            assertThat(repo.author("p", 3)).as("not recorded").isNull();
            assertThat(repo.author("p", 4)).as("no such version").isNull();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void refusesASecondPipelineOfTheSameNameAndLeavesTheFirstIntact(String kind) {
        try (Database db = open(kind)) {
            var repo = new PipelineRepository(db, new TagRepository(db, 50));
            repo.create("p", "arn:p", json("first"), List.of(), T0);
            assertThatThrownBy(() -> repo.create("p", "arn:p", json("second"), List.of(new Tag("k", "v")), T0))
                    .isInstanceOf(PipelineNameInUseException.class);
            assertThat(repo.get("p", null).declarationJson()).contains("first");
            assertThat(new TagRepository(db, 50).list("arn:p")).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void concurrentUpdatesGetConsecutiveVersions(String kind) throws Exception {
        try (Database db = open(kind); var pool = Executors.newFixedThreadPool(8)) {
            var repo = new PipelineRepository(db, new TagRepository(db, 50));
            repo.create("p", "arn:p", json("v1"), List.of(), T0);
            Set<Integer> versions = ConcurrentHashMap.newKeySet();
            var futures = IntStream.range(0, 40).mapToObj(i -> pool.submit(() ->
                    versions.add(repo.update("p", v -> json("v" + v), T0).version()))).toList();
            for (var f : futures) {
                f.get();
            }
            assertThat(versions).hasSize(40).containsAll(IntStream.rangeClosed(2, 41).boxed().toList());
            assertThat(repo.get("p", null).version()).isEqualTo(41);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void listsInNameOrderAcrossPages(String kind) {
        try (Database db = open(kind)) {
            var repo = new PipelineRepository(db, new TagRepository(db, 50));
            for (String name : List.of("delta", "alpha", "charlie", "bravo", "echo")) {
                repo.create(name, "arn:" + name, json(name), List.of(), T0);
            }
            List<String> seen = new ArrayList<>();
            String after = null;
            int pages = 0;
            do {
                Page<PipelineSummaryRow> page = repo.list(2, after);
                page.items().forEach(r -> seen.add(r.name()));
                after = page.nextKey();
                pages++;
            } while (after != null);
            assertThat(seen).containsExactly("alpha", "bravo", "charlie", "delta", "echo");
            assertThat(pages).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void deletingRemovesVersionsAndTagsSoTheNameCanBeReused(String kind) {
        try (Database db = open(kind)) {
            var tags = new TagRepository(db, 50);
            var repo = new PipelineRepository(db, tags);
            repo.create("p", "arn:p", json("old"), List.of(new Tag("k", "v")), T0);
            repo.update("p", v -> json("old" + v), T0);
            assertThat(repo.delete("p")).isTrue();
            assertThat(repo.delete("p")).isFalse();
            assertThat(tags.list("arn:p")).isEmpty();
            repo.create("p", "arn:p", json("new"), List.of(), T0);
            assertThat(repo.get("p", null).version()).isEqualTo(1);
            assertThatThrownBy(() -> repo.get("p", 2)).isInstanceOf(PipelineVersionNotFoundException.class);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void tagsReplaceByKeyKeepOrderAndRespectTheLimit(String kind) {
        try (Database db = open(kind)) {
            var tags = new TagRepository(db, 3);
            tags.tag("arn:x", List.of(new Tag("a", "1"), new Tag("b", "2")));
            tags.tag("arn:x", List.of(new Tag("a", "changed"), new Tag("c", "3")));
            assertThat(tags.list("arn:x")).containsExactly(new Tag("a", "changed"), new Tag("b", "2"), new Tag("c", "3"));
            assertThatThrownBy(() -> tags.tag("arn:x", List.of(new Tag("d", "4")))).isInstanceOf(TooManyTagsException.class);
            assertThat(tags.list("arn:x")).hasSize(3);
            tags.untag("arn:x", List.of("b", "missing"));
            assertThat(tags.list("arn:x")).extracting(Tag::key).containsExactly("a", "c");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aFailedUpdateLeavesNoVersionBehind(String kind) {
        try (Database db = open(kind)) {
            var repo = new PipelineRepository(db, new TagRepository(db, 50));
            repo.create("p", "arn:p", json("v1"), List.of(), T0);
            assertThatThrownBy(() -> repo.update("p", v -> {
                throw new IllegalStateException("validation failed after the lock was taken");
            }, T0)).isInstanceOf(IllegalStateException.class);
            assertThat(repo.get("p", null).version()).isEqualTo(1);
            assertThatThrownBy(() -> repo.get("p", 2)).isInstanceOf(PipelineVersionNotFoundException.class);
        }
    }
}
