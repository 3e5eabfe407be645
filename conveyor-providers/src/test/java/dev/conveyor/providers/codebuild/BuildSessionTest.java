package dev.conveyor.providers.codebuild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.providers.codebuild.reports.TestReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds run for real on the host, through every phase: the shell's state carried across phases, CodeBuild's
 * phase transitions, finally blocks, exported variables, artifacts, reports, cache, secrets, timeouts and stops.
 */
class BuildSessionTest {
    @TempDir
    Path work;

    private final List<String> log = new CopyOnWriteArrayList<>();
    private FakeCoordinator coordinator = new FakeCoordinator("{\"name\": \"proj\", \"environment\": {\"image\": \"aws/codebuild/standard:7.0\"}}");

    private BuildSession session() {
        return new BuildSession(coordinator, coordinator.start(), new BuildLog(log::add), Clock.systemUTC(), work.resolve("cache"),
                Optional::empty);
    }

    /** Sources: the files given (name → content), buildspec.yml among them. */
    private BuildSources.Fetcher source(Map<String, String> files) {
        return workspace -> {
            Path src = Files.createDirectories(workspace.resolve("src"));
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path file = src.resolve(f.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, f.getValue());
            }
            return new BuildSources(src, Map.of(), "v1", "abc123", null);
        };
    }

    private BuildSession.Outcome run(String buildspec, Map<String, String> otherFiles, List<String> artifacts, ArtifactSink sink,
                                     Duration timeout) throws InterruptedException {
        Map<String, String> files = new java.util.HashMap<>(otherFiles);
        files.put("buildspec.yml", buildspec);
        return session().run(work.resolve("ws-" + System.nanoTime()), timeout, source(files), spec -> artifacts, sink, pgid -> { });
    }

    private BuildSession.Outcome run(String buildspec) throws InterruptedException {
        return run(buildspec, Map.of(), List.of(), ArtifactSink.NONE, Duration.ofMinutes(1));
    }

    private String phases() {
        return String.join(" ", coordinator.finalSnapshot.phases().stream().map(p -> p.type() + "=" + p.status()).toList());
    }

    @Test
    void phasesShareOneShellStateAndExportVariables() throws Exception {
        BuildSession.Outcome outcome = run("""
                version: 0.2
                env:
                  variables:
                    GREETING: hello
                  exported-variables: [VERSION, MISSING]
                phases:
                  install:
                    commands:
                      - mkdir -p sub && cd sub
                      - PLAIN=kept
                      - export EXPORTED=also
                      - set -o pipefail
                  build:
                    commands:
                      - test "$(basename "$PWD")" = sub
                      - test "$PLAIN" = kept && test "$EXPORTED" = also
                      - false | true && echo "pipefail was lost" && exit 1 || true
                      - VERSION="1.$CODEBUILD_BUILD_NUMBER-$CODEBUILD_RESOLVED_SOURCE_VERSION"
                      - echo "$GREETING from $CODEBUILD_BUILD_ID"
                """);

        assertThat(outcome.result().status()).as(String.join("\n", log)).isEqualTo("SUCCEEDED");
        assertThat(outcome.result().exportedVariables()).containsEntry("VERSION", "1.7-abc123").containsEntry("MISSING", "");
        assertThat(log).contains("hello from proj:1234-5678").anyMatch(l -> l.contains("Running command mkdir -p sub && cd sub"));
        assertThat(phases()).isEqualTo("SUBMITTED=SUCCEEDED QUEUED=SUCCEEDED PROVISIONING=SUCCEEDED DOWNLOAD_SOURCE=SUCCEEDED "
                + "INSTALL=SUCCEEDED PRE_BUILD=SUCCEEDED BUILD=SUCCEEDED POST_BUILD=SUCCEEDED UPLOAD_ARTIFACTS=SUCCEEDED "
                + "FINALIZING=SUCCEEDED COMPLETED=null");
        assertThat(coordinator.progress).extracting(BuildSnapshot::currentPhase).contains("PROVISIONING", "INSTALL", "BUILD");
        assertThat(coordinator.finalSnapshot.resolvedSourceVersion()).isEqualTo("abc123");
    }

    @Test
    void aFailedBuildPhaseStillRunsFinallyAndPostBuildAndNamesTheCommandAndExitCode() throws Exception {
        BuildSession.Outcome outcome = run("""
                version: 0.2
                phases:
                  build:
                    commands:
                      - echo before
                      - sh -c 'exit 3'
                      - echo never
                    finally:
                      - echo "finally ran"
                  post_build:
                    commands:
                      - echo "succeeding=$CODEBUILD_BUILD_SUCCEEDING"
                """);

        BuildResult result = outcome.result();
        assertThat(result.status()).isEqualTo("FAILED");
        assertThat(result.failedPhase()).isEqualTo("BUILD");
        assertThat(result.failureMessage()).isEqualTo("Error while executing command: sh -c 'exit 3'. Reason: exit status 3");
        assertThat(result.describeFailure()).contains("phase BUILD").contains("exit status 3");
        assertThat(log).contains("before", "finally ran", "succeeding=0").doesNotContain("never");
        assertThat(phases()).contains("BUILD=FAILED POST_BUILD=SUCCEEDED UPLOAD_ARTIFACTS=SUCCEEDED");
    }

    @Test
    void aFailedInstallEndsTheBuildUnlessItSaysContinue() throws Exception {
        run("""
                version: 0.2
                phases:
                  install:
                    commands:
                      - exit 4
                  build:
                    commands:
                      - echo built
                """);
        assertThat(phases()).contains("INSTALL=FAILED FINALIZING=SUCCEEDED").doesNotContain("BUILD=");
        assertThat(log).doesNotContain("built");

        log.clear();
        BuildSession.Outcome continued = run("""
                version: 0.2
                phases:
                  install:
                    on-failure: CONTINUE
                    commands:
                      - exit 4
                  build:
                    commands:
                      - echo built
                """);
        assertThat(log).contains("built");
        assertThat(continued.result().status()).as("the build still failed").isEqualTo("FAILED");
        assertThat(continued.result().failureMessage()).contains("exit status 4");
    }

    @Test
    void aCommandThatExitsTheShellWithZeroIsNotAFailure() throws Exception {
        BuildSession.Outcome outcome = run("""
                version: 0.2
                phases:
                  build:
                    commands:
                      - X=1; exit 0
                      - echo "after exit X=$X"
                """);
        assertThat(outcome.result().status()).isEqualTo("SUCCEEDED");
        assertThat(log).contains("after exit X=1");
    }

    @Test
    void artifactsAndReportsAreLaidOutAndRead() throws Exception {
        String junit = """
                <testsuite name="calc" tests="3">
                  <testcase classname="CalcTest" name="adds" time="0.5"/>
                  <testcase classname="CalcTest" name="divides" time="0.25"><failure message="expected 2 but was 3">trace</failure></testcase>
                  <testcase classname="CalcTest" name="later"><skipped/></testcase>
                </testsuite>""";
        AtomicReference<Path> uploaded = new AtomicReference<>();
        BuildSession.Outcome outcome = run("""
                version: 0.2
                phases:
                  build:
                    commands:
                      - mkdir -p dist/lib && echo app > dist/app.txt && echo lib > dist/lib/lib.txt && echo x > dist/skip.log
                artifacts:
                  base-directory: dist
                  files:
                    - '**/*'
                  exclude-paths: ['*.log']
                reports:
                  unit:
                    files: ['reports/*.xml']
                """, Map.of("reports/junit.xml", junit), java.util.Arrays.asList((String) null), (id, name, dir) -> {
                    uploaded.set(dir);
                    return new ArtifactSink.Uploaded("s3://somewhere", "abc");
                }, Duration.ofMinutes(1));

        assertThat(outcome.result().status()).as(String.join("\n", log)).isEqualTo("SUCCEEDED");
        assertThat(uploaded.get().resolve("app.txt")).hasContent("app");
        assertThat(uploaded.get().resolve("lib/lib.txt")).hasContent("lib");
        assertThat(uploaded.get().resolve("skip.log")).doesNotExist();
        TestReport report = outcome.result().reports().getFirst();
        assertThat(report.total()).isEqualTo(3);
        assertThat(report.failures()).isEqualTo(1);
        assertThat(report.status()).isEqualTo("FAILED");
        assertThat(outcome.reportArns()).containsExactly("arn:report/unit");
        assertThat(BuildSession.describeTests(outcome.result().reports()))
                .isEqualTo("tests: 3 total, 1 passed, 1 failed, 1 skipped (CalcTest.divides: expected 2 but was 3)");
    }

    @Test
    void aMissingArtifactPathFailsUploadNamingThePath() throws Exception {
        BuildSession.Outcome outcome = run("""
                version: 0.2
                phases:
                  build:
                    commands: [echo nothing]
                artifacts:
                  files:
                    - target/app.jar
                """, Map.of(), java.util.Arrays.asList((String) null), ArtifactSink.NONE, Duration.ofMinutes(1));
        assertThat(outcome.result().failedPhase()).isEqualTo("UPLOAD_ARTIFACTS");
        assertThat(outcome.result().failureMessage()).contains("no matching artifact paths found: target/app.jar");
        assertThat(log).anyMatch(l -> l.startsWith("[Container] ") && l.endsWith(" Skipping invalid file path target/app.jar"));
    }

    @Test
    void anInvalidBuildspecFailsDownloadSourceNamingTheLine() throws Exception {
        BuildSession.Outcome outcome = run("""
                version: 0.2
                phases:
                  build:
                    commands:
                      - echo ok
                      - echo key: value
                """);
        assertThat(outcome.result().failedPhase()).isEqualTo("DOWNLOAD_SOURCE");
        assertThat(outcome.result().failureCode()).isEqualTo("YAML_FILE_ERROR");
        assertThat(outcome.result().failureMessage()).startsWith("buildspec.yml line 6: phases.build.commands[1] is a mapping");
    }

    @Test
    void secretsFromTheServerAreResolvedAndMasked() throws Exception {
        coordinator.secrets.put("/db/password", "hunter2-secret");
        BuildSession.Outcome outcome = run("""
                version: 0.2
                env:
                  parameter-store:
                    DB_PASSWORD: /db/password
                phases:
                  build:
                    commands:
                      - echo "the password is $DB_PASSWORD"
                      - test "$DB_PASSWORD" = hunter2-secret
                """);
        assertThat(outcome.result().status()).isEqualTo("SUCCEEDED");
        assertThat(log).contains("the password is ***").noneMatch(l -> l.contains("hunter2"));

        BuildSession.Outcome missing = run("""
                version: 0.2
                env:
                  secrets-manager:
                    TOKEN: prod/token:key
                phases:
                  build:
                    commands: [echo hi]
                """);
        assertThat(missing.result().failedPhase()).isEqualTo("DOWNLOAD_SOURCE");
        assertThat(missing.result().failureMessage()).contains("prod/token:key");
    }

    @Test
    void aTimeoutKillsTheWholeProcessTree() throws Exception {
        Path pid = work.resolve("child.pid");
        Instant started = Instant.now();
        BuildSession.Outcome outcome = run("""
                version: 0.2
                phases:
                  build:
                    commands:
                      - sleep 60 & echo $! > %s; wait
                """.formatted(pid), Map.of(), List.of(), ArtifactSink.NONE, Duration.ofSeconds(2));
        assertThat(outcome.result().status()).isEqualTo("TIMED_OUT");
        assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(15));
        assertThat(phases()).contains("BUILD=TIMED_OUT");
        long child = Long.parseLong(Files.readString(pid).strip());
        Instant until = Instant.now().plusSeconds(5); // SIGKILL is delivered at once; the zombie is reaped a moment later
        while (ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false) && Instant.now().isBefore(until)) {
            Thread.sleep(20);
        }
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)).as("the background child was killed").isFalse();
    }

    @Test
    void interruptingTheBuildStopsItAndRecordsStopped() throws Exception {
        Path marker = work.resolve("started");
        Thread runner = Thread.currentThread();
        Thread.ofVirtual().start(() -> {
            while (!Files.exists(marker)) {
                Thread.onSpinWait();
            }
            runner.interrupt();
        });
        assertThatThrownBy(() -> run("""
                version: 0.2
                phases:
                  build:
                    commands:
                      - touch %s; sleep 60
                """.formatted(marker))).isInstanceOf(InterruptedException.class);
        assertThat(coordinator.finalSnapshot.status()).isEqualTo("STOPPED");
        assertThat(phases()).contains("BUILD=STOPPED");
    }

    @Test
    void cachePathsAreRestoredIntoTheNextBuildOfTheProject() throws Exception {
        coordinator = new FakeCoordinator("{\"name\": \"proj\", \"cache\": {\"type\": \"LOCAL\", \"modes\": [\"LOCAL_CUSTOM_CACHE\"]}}");
        String buildspec = """
                version: 0.2
                phases:
                  build:
                    commands:
                      - if [ -f deps/downloaded ]; then echo "cache hit"; else mkdir -p deps && echo 1 > deps/downloaded; fi
                cache:
                  paths:
                    - 'deps/**/*'
                """;
        run(buildspec);
        assertThat(log).doesNotContain("cache hit");
        run(buildspec);
        assertThat(log).contains("cache hit");
    }

    @Test
    void aBuildspecNamedByTheProjectIsReadFromTheSourceOrInline() throws IOException, InterruptedException {
        coordinator = new FakeCoordinator("{\"name\": \"proj\", \"source\": {\"buildspec\": \"version: 0.2\\nphases:\\n  build:\\n    commands: [echo inline]\\n\"}}");
        run("this buildspec.yml is not used");
        assertThat(log).contains("inline");

        coordinator = new FakeCoordinator("{\"name\": \"proj\", \"source\": {\"buildspec\": \"ci/other.yml\"}}");
        BuildSession.Outcome outcome = run("not used", Map.of("ci/other.yml", "version: 0.2\nphases:\n  build:\n    commands: [echo other]\n"),
                List.of(), ArtifactSink.NONE, Duration.ofMinutes(1));
        assertThat(outcome.result().status()).isEqualTo("SUCCEEDED");
        assertThat(log).contains("other");
    }

    @Test
    void aHugeLogIsStreamedToDiskAndCappedWithoutHoldingItInMemory() throws Exception {
        Path file = work.resolve("huge.log");
        try (dev.conveyor.engine.agent.ActionLog actionLog = new dev.conveyor.engine.agent.ActionLog(file, 1024 * 1024, List.of())) {
            BuildSession session = new BuildSession(coordinator, coordinator.start(), new BuildLog(actionLog::line), Clock.systemUTC(),
                    null, Optional::empty);
            // 200 MB in one line with no newline, then 100 000 short lines: read in slices, cut at 1 MB on disk.
            BuildSession.Outcome outcome = session.run(work.resolve("ws-huge"), Duration.ofMinutes(2), source(Map.of("buildspec.yml", """
                    version: 0.2
                    phases:
                      build:
                        commands:
                          - head -c 200000000 /dev/zero | tr '\\0' a
                          - seq 1 100000
                    """)), spec -> List.of(), ArtifactSink.NONE, pgid -> { });
            assertThat(outcome.result().status()).isEqualTo("SUCCEEDED");
        }
        assertThat(Files.size(file)).isLessThan(1024 * 1024 + 200);
        assertThat(Files.readString(file)).endsWith("[conveyor] log truncated at 1048576 bytes\n");
    }
}
