package dev.conveyor.server.triggers;

import static dev.conveyor.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.store.Database;
import dev.conveyor.store.PipelineRepository;
import dev.conveyor.store.TagRepository;
import dev.conveyor.store.changes.ChangeFeed;
import dev.conveyor.store.source.PipelineVersions;
import dev.conveyor.testkit.TestDatabases;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The index of source actions that pushes, polls and webhooks look pipelines up in: it follows every pipeline write
 * at once, here or in another replica, and while nothing is written it answers without querying the pipeline table.
 */
class SourceIndexTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** A pipeline whose first stage has one CodeCommit source action per name. */
    private static PipelineRepository.NewVersion withSources(String pipeline, String... sourceActions) {
        String actions = Arrays.stream(sourceActions).map(name -> """
                {"name":"%s","actionTypeId":{"category":"Source","owner":"AWS","provider":"CodeCommit","version":"1"},
                 "configuration":{"RepositoryName":"repo","BranchName":"main"},"outputArtifacts":[{"name":"%s"}]}"""
                .formatted(name, name + "Out")).collect(Collectors.joining(","));
        String json = """
                {"name":"%s","roleArn":"arn:aws:iam::123456789012:role/r","version":1,
                 "stages":[{"name":"Source","actions":[%s]}]}""".formatted(pipeline, actions);
        return new PipelineRepository.NewVersion("V2", "QUEUED", json);
    }

    private static List<String> sourceNames(SourceIndex index, String pipeline) {
        return index.of(pipeline).stream().map(s -> s.action().name()).toList();
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void writesAreSeenAtOnceAndReadsWithoutWritesQueryNothing(String kind) {
        try (Database db = Database.open(TestDatabases.freshUrl(kind))) {
            PipelineRepository pipelines = new PipelineRepository(db, new TagRepository(db, 50));
            SourceIndex index = new SourceIndex(new PipelineVersions(db), pipelines, Clock.systemUTC(), Duration.ofHours(1));
            await(pipelines::changesReliable, Boolean::booleanValue, WAIT, "the change feed to listen");
            // Subscribed after the index: a change this listener has heard, the index has heard before it.
            AtomicInteger heard = new AtomicInteger();
            pipelines.subscribe(new ChangeFeed.Listener() {
                @Override
                public void changed(String key) {
                    heard.incrementAndGet();
                }

                @Override
                public void gap() {
                }
            });
            // The writer hears its write at once (changedHere); on PostgreSQL also its own NOTIFY, a moment later.
            int heardPerWrite = "postgresql".equals(kind) ? 2 : 1;

            pipelines.create("p", "arn:p", withSources("p", "One"), List.of(), T0);
            assertThat(sourceNames(index, "p")).containsExactly("One");
            await(heard::get, n -> n == heardPerWrite, WAIT, "the create to come back through the feed");
            assertReadsQueryNothingUntilAWrite(index);

            long queries = index.fingerprintReads();
            pipelines.update("p", v -> withSources("p", "One", "Two"), T0.plusSeconds(1));
            assertThat(sourceNames(index, "p")).containsExactlyInAnyOrder("One", "Two");
            assertThat(index.fingerprintReads()).as("a check after the write").isGreaterThan(queries);
            await(heard::get, n -> n == 2 * heardPerWrite, WAIT, "the update to come back through the feed");
            assertReadsQueryNothingUntilAWrite(index);

            pipelines.delete("p");
            assertThat(index.of("p")).isEmpty();
        }
    }

    /**
     * Once every notice of this process's writes has reached the index (the caller waits for them: deciding that
     * the feed is quiet because one read needed no query raced the writer's own NOTIFY), one read checks the
     * table and a hundred more query nothing.
     */
    private static void assertReadsQueryNothingUntilAWrite(SourceIndex index) {
        index.of("p");
        long queries = index.fingerprintReads();
        for (int i = 0; i < 100; i++) {
            index.of("p");
        }
        assertThat(index.fingerprintReads()).as("reads with no write in between").isEqualTo(queries);
    }

    @Test
    void anotherReplicasWritesReachTheIndex() {
        String url = TestDatabases.freshUrl("postgresql");
        try (Database first = Database.open(url); Database second = Database.open(url)) {
            PipelineRepository here = new PipelineRepository(first, new TagRepository(first, 50));
            PipelineRepository there = new PipelineRepository(second, new TagRepository(second, 50));
            SourceIndex index = new SourceIndex(new PipelineVersions(first), here, Clock.systemUTC(), Duration.ofHours(1));
            await(here::changesReliable, Boolean::booleanValue, WAIT, "the change feed to listen");
            assertThat(index.of("p")).isEmpty();

            there.create("p", "arn:p", withSources("p", "One"), List.of(), T0);
            await(() -> sourceNames(index, "p"), names -> names.equals(List.of("One")), WAIT, "the other replica's new pipeline");
            there.update("p", v -> withSources("p", "Two"), T0.plusSeconds(1));
            await(() -> sourceNames(index, "p"), names -> names.equals(List.of("Two")), WAIT, "the other replica's update");
            there.delete("p");
            await(() -> sourceNames(index, "p"), List::isEmpty, WAIT, "the other replica's delete");
        }
    }
}
