package dev.conveyor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.model.errors.PipelineVersionNotFoundException;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import dev.conveyor.store.Database;
import dev.conveyor.store.PipelineRepository;
import dev.conveyor.store.TagRepository;
import dev.conveyor.testkit.TestDatabases;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parsed declarations are bounded (issue 20: heap with 10,000 pipelines stored): beyond the most recent
 * versions it may keep parsed ({@link PipelineDeclarations#MAX_PARSED} in a server; 100 here) only their text is kept, and a version read again is parsed
 * again to the same declaration; a pipeline's deletion still forgets every version of it, parsed or not. Creates and
 * updates only add versions and forget nothing, except a write that fails: what was read inside its transaction was
 * rolled back with it.
 */
class PipelineDeclarationsTest {
    private static final int MAX_PARSED = 100;
    private static final Instant T0 = Instant.parse("2026-12-07T00:00:00Z");

    private static String declaration(String name, String marker) {
        return "{\"name\":\"" + name + "\",\"roleArn\":\"arn:aws:iam::123456789012:role/" + marker + "\",\"stages\":[],\"version\":1}";
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void onlyTheLatestVersionsStayParsedAndTheOthersReadTheSame(String kind) throws Exception {
        try (Database db = Database.open(TestDatabases.freshUrl(kind))) {
            PipelineRepository pipelines = new PipelineRepository(db, new TagRepository(db, 50));
            PipelineDeclarations declarations = new PipelineDeclarations(pipelines, MAX_PARSED);
            int count = MAX_PARSED + 50;
            for (int i = 0; i < count; i++) {
                pipelines.create("p" + i, "arn:p" + i, new PipelineRepository.NewVersion("V2", "QUEUED", declaration("p" + i, "r" + i)),
                        List.of(), T0);
            }
            db.read(c -> {
                for (int i = 0; i < count; i++) {
                    declarations.get(c, "p" + i, 1);
                }
                return null;
            });
            assertThat(declarations.sizes()[0]).as("parsed").isLessThanOrEqualTo(MAX_PARSED);
            assertThat(declarations.sizes()[1]).as("as text").isEqualTo(count);

            PipelineDeclaration again = db.read(c -> declarations.get(c, "p0", 1));
            assertThat(again.name()).isEqualTo("p0");
            assertThat(again.roleArn()).endsWith("role/r0");
            assertThat(db.read(c -> declarations.get(c, "p" + (count - 1), 1)).roleArn()).endsWith("role/r" + (count - 1));

            // Deleted and created again: version 1 is another declaration now.
            pipelines.delete("p0");
            assertThatThrownBy(() -> db.read(c -> declarations.get(c, "p0", 1))).isInstanceOf(PipelineVersionNotFoundException.class);
            pipelines.create("p0", "arn:p0", new PipelineRepository.NewVersion("V2", "QUEUED", declaration("p0", "recreated")), List.of(), T0);
            assertThat(db.read(c -> declarations.get(c, "p0", 1)).roleArn()).endsWith("role/recreated");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aVersionReadInsideItsCreateStaysKnownAndAFailedCreateForgetsIt(String kind) throws Exception {
        try (Database db = Database.open(TestDatabases.freshUrl(kind))) {
            PipelineRepository pipelines = new PipelineRepository(db, new TagRepository(db, 50));
            PipelineDeclarations declarations = new PipelineDeclarations(pipelines, MAX_PARSED);

            // As CreatePipeline's first execution: read on the transaction's connection, then once committed.
            pipelines.create("p", "arn:p", new PipelineRepository.NewVersion("V2", "QUEUED", declaration("p", "first")), List.of(), T0,
                    c -> {
                        assertThat(declarations.get(c, "p", 1).roleArn()).endsWith("role/first");
                        return () -> { };
                    });
            assertThat(db.read(c -> declarations.get(c, "p", 1)).roleArn()).endsWith("role/first");
            assertThat(declarations.sizes()).as("parsed and as text: the one copy read in the transaction").containsExactly(1, 1);

            // An update adds version 2 and leaves version 1 known.
            pipelines.update("p", version -> new PipelineRepository.NewVersion("V2", "QUEUED", declaration("p", "second")), T0);
            assertThat(db.read(c -> declarations.get(c, "p", 2)).roleArn()).endsWith("role/second");
            assertThat(db.read(c -> declarations.get(c, "p", 1)).roleArn()).endsWith("role/first");
            assertThat(declarations.sizes()).containsExactly(2, 2);

            // A create that fails after its first execution read the new version: the version was rolled back, and a
            // pipeline created under the name afterwards is read as itself.
            assertThatThrownBy(() -> pipelines.create("q", "arn:q", new PipelineRepository.NewVersion("V2", "QUEUED",
                    declaration("q", "rolled-back")), List.of(), T0, c -> {
                        declarations.get(c, "q", 1);
                        throw new java.sql.SQLException("the execution could not be written");
                    })).isInstanceOf(RuntimeException.class);
            pipelines.create("q", "arn:q", new PipelineRepository.NewVersion("V2", "QUEUED", declaration("q", "created")), List.of(), T0);
            assertThat(db.read(c -> declarations.get(c, "q", 1)).roleArn()).endsWith("role/created");
        }
    }
}
