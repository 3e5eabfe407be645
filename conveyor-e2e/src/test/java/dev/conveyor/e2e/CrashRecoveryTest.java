package dev.conveyor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability: the server process is killed with SIGKILL while an action runs, and a new process over the same data
 * finishes the execution. The interrupted action is run again from the start, and never twice at once: what the
 * dead process left running is killed before the job is offered again.
 */
class CrashRecoveryTest {
    @TempDir
    Path work;

    @Test
    void anExecutionInterruptedByKillDashNineFinishesAfterARestart() throws Exception {
        Path dataDir = work.resolve("data");
        Path marks = Files.createDirectories(work.resolve("marks"));
        String pipeline = """
                {"pipeline": {"name": "crash", "roleArn": "arn:aws:iam::111111111111:role/r", "pipelineType": "V2",
                 "executionMode": "QUEUED", "artifactStore": {"type": "S3", "location": "crash-artifacts"},
                 "stages": [
                  {"name": "Source", "actions": [{"name": "Source",
                     "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
                     "configuration": {"S3Bucket": "crash-sources", "S3ObjectKey": "app.zip", "PollForSourceChanges": "false"},
                     "outputArtifacts": [{"name": "Src"}]}]},
                  {"name": "Build", "actions": [{"name": "Build",
                     "actionTypeId": {"category": "Compute", "owner": "AWS", "provider": "Commands", "version": "1"},
                     "inputArtifacts": [{"name": "Src"}],
                     "commands": ["echo started >> %1$s/runs",
                                  "until [ -e %1$s/go ]; do sleep 0.1; done", "echo finished >> %1$s/runs"]}]}
                 ]}}""".formatted(marks);
        Path definition = work.resolve("crash.json");
        Files.writeString(definition, pipeline);

        String executionId;
        // The action runs sandboxed: the marks directory is the one host directory it may write.
        List<Long> killedShells;
        try (ConveyorProcess first = ConveyorProcess.start(dataDir, "--job-writable-dir", marks.toString())) {
            AwsCli aws = new AwsCli(first.endpoint(), work);
            S3Sources.putZip(aws, work, "crash-sources", "app.zip", "app.txt", "hello\n");
            aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + definition);
            executionId = Executions.createdExecution(aws, "crash"); // creating the pipeline started it
            awaitLines(marks.resolve("runs"), List.of("started"), Duration.ofSeconds(60));
            // The action's shells as the host sees them (inside its sandbox, $$ is a pid of its own namespace).
            String workspaces = dataDir.toAbsolutePath() + "/workspaces/";
            killedShells = ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
                    .filter(c -> c.contains("bash " + workspaces) && c.endsWith("/commands.sh")).isPresent())
                    .map(ProcessHandle::pid).toList();
            assertThat(killedShells).as("the action's shell, seen from the host").isNotEmpty();
            first.kill();
        }
        // The action waits for "go", which the test creates only once the killed run's shell is known to be dead: no
        // timing decides whether the killed run could still write "finished".
        try (ConveyorProcess second = ConveyorProcess.start(dataDir, "--job-writable-dir", marks.toString())) {
            AwsCli aws = new AwsCli(second.endpoint(), work);
            for (long killedShell : killedShells) {
                awaitDead(killedShell, Duration.ofSeconds(30));
            }
            awaitLines(marks.resolve("runs"), List.of("started", "started"), Duration.ofSeconds(60));
            Files.createFile(marks.resolve("go"));
            JsonNode execution = Executions.awaitSettled(aws, "crash", executionId, Duration.ofSeconds(90));
            assertThat(execution.get("status").asText()).isEqualTo("Succeeded");
            assertThat(Files.readAllLines(marks.resolve("runs")))
                    .as("the interrupted action ran again from the start, and the killed run never finished")
                    .containsExactly("started", "started", "finished");
            assertThat(second.output()).as("the dead process's workspace (plaintext inputs) was removed")
                    .contains("left by a previous agent");
        }
    }

    /** Waits until the process is gone (killed by the new server, which kills what the dead one left running). */
    private static void awaitDead(long pid, Duration timeout) throws Exception {
        Instant until = Instant.now().plus(timeout);
        while (running(pid)) {
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("the killed server's action shell " + pid + " is still running after " + timeout);
            }
            Thread.sleep(50);
        }
    }

    /** True while the process runs: a killed orphan nobody has reaped yet (a zombie) runs no more. */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException gone) {
            return false;
        }
    }

    private static void awaitLines(Path file, List<String> expected, Duration timeout) throws Exception {
        Instant until = Instant.now().plus(timeout);
        while (!(Files.exists(file) && Files.readAllLines(file).equals(expected))) {
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("timed out waiting for " + file + " to hold " + expected);
            }
            Thread.sleep(50);
        }
    }
}
