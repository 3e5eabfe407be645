package dev.conveyor.store.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.model.pipeline.Tag;
import dev.conveyor.store.Database;
import dev.conveyor.store.PipelineRepository;
import dev.conveyor.store.TagRepository;
import dev.conveyor.testkit.TestDatabases;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The source repositories (connections, webhooks, revisions, schedules) on the embedded database and PostgreSQL. */
class SourceRepositoriesTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00.123Z");

    private static Database open(String kind) {
        return Database.open(TestDatabases.freshUrl(kind));
    }

    private static void pipeline(Database db, String name, List<Tag> tags) {
        new PipelineRepository(db, new TagRepository(db, 50)).create(name, "arn:aws:codepipeline:us-east-1:000000000000:" + name,
                new PipelineRepository.NewVersion("V2", "QUEUED", "{}"), tags, T0);
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void connectionsAndHostsAreFoundByIdListedInPagesAndGuardTheirHosts(String kind) {
        try (Database db = open(kind)) {
            ConnectionRepository repo = new ConnectionRepository(db);
            repo.createHost(new HostRow("h-1", "arn:host/h-1", "forge", "GitLabSelfManaged", "file:///srv/git", "AVAILABLE", T0));
            for (String id : List.of("c", "a", "b")) {
                repo.createConnection(new ConnectionRow(id, "arn:connection/" + id, "n-" + id, "GitLabSelfManaged", "h-1", "AVAILABLE", T0));
            }
            repo.createConnection(new ConnectionRow("d", "arn:connection/d", "public", "GitHub", null, "AVAILABLE", T0));

            assertThat(repo.findHost("h-1")).get().satisfies(h -> assertThat(h.providerEndpoint()).isEqualTo("file:///srv/git"));
            var first = repo.listConnections(null, null, 2, null);
            assertThat(first.items()).extracting(ConnectionRow::id).containsExactly("a", "b");
            assertThat(repo.listConnections(null, null, 2, first.nextKey()).items()).extracting(ConnectionRow::id).containsExactly("c", "d");
            assertThat(repo.listConnections("GitHub", null, 10, null).items()).extracting(ConnectionRow::id).containsExactly("d");
            assertThat(repo.listConnections(null, "h-1", 10, null).items()).hasSize(3);
            assertThat(repo.deleteHost("h-1")).as("a host in use stays").isFalse();
            List.of("a", "b", "c").forEach(repo::deleteConnection);
            assertThat(repo.deleteHost("h-1")).isTrue();
            assertThat(repo.findHost("h-1")).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aWebhookPutAgainKeepsItsUrlTokenAndRecordsDeliveries(String kind) {
        try (Database db = open(kind)) {
            WebhookRepository repo = new WebhookRepository(db);
            repo.put(new WebhookRow("hook", "arn:webhook:hook", "token-1", "p", "Source", "{\"v\":1}", false, null, null, null, T0));
            WebhookRow again = repo.put(new WebhookRow("hook", "arn:webhook:hook", "token-2", "p2", "Source", "{\"v\":2}", false, null,
                    null, null, T0));
            assertThat(again.urlToken()).isEqualTo("token-1");
            assertThat(again.pipelineName()).isEqualTo("p2");
            assertThat(repo.findByUrlToken("token-1")).get().satisfies(w -> assertThat(w.definitionJson()).isEqualTo("{\"v\":2}"));
            assertThat(repo.setRegistered("hook", true)).isTrue();
            assertThat(repo.setRegistered("nope", true)).isFalse();
            repo.recordDelivery("hook", T0.plusSeconds(5), null, null);
            assertThat(repo.find("hook")).get().satisfies(w -> {
                assertThat(w.registered()).isTrue();
                assertThat(w.lastTriggeredAt()).isEqualTo(T0.plusSeconds(5));
            });
            assertThat(repo.delete("hook")).isTrue();
            assertThat(repo.list(10, null).items()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aRevisionMovesOnOnlyFromWhereTheWriterSawIt(String kind) {
        try (Database db = open(kind)) {
            pipeline(db, "p", List.of());
            SourceRevisionRepository repo = new SourceRevisionRepository(db);
            SourceRevisionRow one = new SourceRevisionRow("p", "Source", SourceRevisionRow.POLL, "key", "r1", null, null, T0);
            SourceRevisionRow two = new SourceRevisionRow("p", "Source", SourceRevisionRow.POLL, "key", "r2", null, null, T0);
            assertThat(repo.advance(null, one)).isTrue();
            assertThat(repo.advance(null, one)).as("a concurrent first insert").isFalse();
            assertThat(repo.advance(one, two)).isTrue();
            assertThat(repo.advance(one, two)).as("another writer moved it already").isFalse();
            assertThat(repo.find("p", "Source", SourceRevisionRow.POLL)).get().satisfies(r -> assertThat(r.revision()).isEqualTo("r2"));
            assertThat(repo.advance(null, new SourceRevisionRow("gone", "Source", SourceRevisionRow.PUT, "k", "r", null, null, T0)))
                    .as("no such pipeline").isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void schedulesAreDeclaredByTagsAndFireOnceThroughCompareAndSet(String kind) {
        try (Database db = open(kind)) {
            pipeline(db, "nightly", List.of(new Tag("conveyor:schedule", "0 2 * * *"), new Tag("conveyor:schedule-timezone", "Europe/Paris")));
            pipeline(db, "hourly", List.of(new Tag("conveyor:schedule", "rate(1 hour)")));
            pipeline(db, "never", List.of(new Tag("team", "x")));
            ScheduleRepository repo = new ScheduleRepository(db);
            assertThat(repo.declared("conveyor:schedule", "conveyor:schedule-timezone")).containsExactly(
                    new ScheduleRepository.Declared("hourly", "rate(1 hour)", null),
                    new ScheduleRepository.Declared("nightly", "0 2 * * *", "Europe/Paris"));
            repo.put(new ScheduleRow("hourly", "rate(1 hour)", "UTC", T0, null, null));
            assertThat(repo.advance("hourly", T0, T0.plusSeconds(3600), "exec-1")).isTrue();
            assertThat(repo.advance("hourly", T0, T0.plusSeconds(3600), "exec-1")).as("fired already").isFalse();
            assertThat(repo.find("hourly")).get().satisfies(s -> {
                assertThat(s.nextFireAt()).isEqualTo(T0.plusSeconds(3600));
                assertThat(s.lastExecutionId()).isEqualTo("exec-1");
            });
            repo.delete("hourly");
            assertThat(repo.all()).isEmpty();
        }
    }
}
