package dev.conveyor.server;

import static dev.conveyor.server.ExecutionFixtures.awaitSettled;
import static dev.conveyor.server.ExecutionFixtures.commands;
import static dev.conveyor.server.ExecutionFixtures.pipeline;
import static dev.conveyor.server.ExecutionFixtures.stage;
import static dev.conveyor.server.GitPipelines.codeCommit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import software.amazon.awssdk.services.codepipeline.model.ActionExecutionDetail;
import software.amazon.awssdk.services.codepipeline.model.PipelineDeclaration;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecution;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.PipelineVariable;
import software.amazon.awssdk.services.codepipeline.model.PipelineVariableDeclaration;

/**
 * Variables in Commands actions are data, never shell syntax: hostile pipeline variables and commit messages, with
 * quotes, {@code $(…)}, backticks and newlines, reach {@code echo} exactly as they are, bare, in single and in double
 * quotes, and nothing in them runs; a value with NUL fails the action naming the variable.
 */
class CommandVariablesApiTest extends ServerApiTest {
    private static final Pattern STARTED = Pattern.compile("started pipeline (\\S+) \\(execution ([0-9a-f-]{36})\\)");

    @TempDir
    Path work;

    @BeforeParameterizedClassInvocation
    static void putSource() {
        ExecutionFixtures.putSource(fixture.server().objects(), Map.of("app.txt", "version one\n"));
    }

    /**
     * Values that each try to create {@code mark} by closing the quotes around them or by substitution. (A pipeline
     * variable cannot hold a newline: its pattern is {@code .*}; the commit message below brings newlines.)
     */
    private static List<String> hostileValues(Path mark) {
        return List.of(
                "'; touch " + mark + "; echo '",
                "\"; touch " + mark + "; echo \"",
                "$(touch " + mark + ")",
                "`touch " + mark + "`",
                "'\"'; touch " + mark + " #",
                "\\'\\\"${HOME} * ${IFS}$'\\x41'");
    }

    @Test
    void hostilePipelineVariablesAreEchoedExactlyBareAndQuotedAndNothingInThemRuns() throws IOException {
        Path shared = fixture.jobSharedDirectory("hostile-vars"); // what the sandboxed commands may write on the host
        Path mark = shared.resolve("injected");
        Path out = Files.createDirectories(shared.resolve("out"));
        Files.setPosixFilePermissions(out, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        List<String> values = hostileValues(mark);
        List<String> commandList = new ArrayList<>();
        List<PipelineVariableDeclaration> declarations = new ArrayList<>();
        List<PipelineVariable> given = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            String v = "#{variables.V" + i + "}";
            commandList.add("echo 'quoted=" + v + "' > '" + out.resolve("quoted-" + i) + "'");
            commandList.add("echo " + v + " > '" + out.resolve("bare-" + i) + "'");
            commandList.add("echo \"dq=" + v + "\" > '" + out.resolve("dq-" + i) + "'");
            declarations.add(PipelineVariableDeclaration.builder().name("V" + i).defaultValue("unset").build());
            given.add(PipelineVariable.builder().name("V" + i).value(values.get(i)).build());
        }
        String name = "hostile-vars-" + databaseKind;
        PipelineDeclaration declared = pipeline(name, "QUEUED", stage("Build", commands("Build", 1, commandList.toArray(String[]::new))))
                .toBuilder().variables(declarations).build();
        client().createPipeline(r -> r.pipeline(declared));

        String id = client().startPipelineExecution(r -> r.name(name).variables(given)).pipelineExecutionId();

        PipelineExecution done = awaitSettled(client(), name, id);
        assertThat(done.status()).as(done.statusSummary()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            assertThat(read(out.resolve("quoted-" + i))).as("quoted %s", value).isEqualTo("quoted=" + value + "\n");
            assertThat(read(out.resolve("bare-" + i))).as("bare %s", value).isEqualTo(value + "\n");
            assertThat(read(out.resolve("dq-" + i))).as("double-quoted %s", value).isEqualTo("dq=" + value + "\n");
        }
        assertThat(mark).as("nothing in a value ran").doesNotExist();
    }

    @Test
    void aCommitMessageReachesTheCommandsAsDataThroughTheSourceVariables() {
        Path shared = fixture.jobSharedDirectory("hostile-commit"); // what the sandboxed commands may write on the host
        Path mark = shared.resolve("injected-by-commit");
        Path out = shared.resolve("message");
        String repo = "hostile-commit-" + databaseKind;
        String name = "hostile-commit-" + databaseKind;
        client().createPipeline(r -> r.pipeline(GitPipelines.pipeline(name, codeCommit(repo, "main", false, null), null,
                "echo 'message=#{SourceVariables.CommitMessage}' > '" + out + "'")));
        GitWorkTree tree = GitWorkTree.init(work.resolve("tree"), "main");
        String message = "Fix it'; touch " + mark + "; echo '\n\n$(touch " + mark + ") `touch " + mark + "` \"; touch " + mark + "; \"";
        tree.write("app.txt", "v1").commit(message);

        Matcher started = STARTED.matcher(tree.push(fixture.gitUrl(repo), "main"));
        assertThat(started.find()).isTrue();
        String id = started.group(2);

        PipelineExecution done = awaitSettled(client(), name, id);
        assertThat(done.status()).as(done.statusSummary()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(sourceVariables(name, id)).containsEntry("CommitMessage", message);
        assertThat(read(out)).isEqualTo("message=" + message + "\n");
        assertThat(mark).as("nothing in the commit message ran").doesNotExist();
    }

    @Test
    void aValueWithNulIsRefusedAtTheApiNamingTheVariableAndStartsNothing() {
        // The model check refuses NUL in every string before an execution exists; the launcher's own NUL check
        // (ShellCommandResolverTest) stays for values that reach it another way, e.g. a job's output variables.
        String name = "nul-var-" + databaseKind;
        PipelineDeclaration declared = pipeline(name, "QUEUED", stage("Build", commands("Build", 1, "echo '#{variables.V}'")))
                .toBuilder().variables(v -> v.name("V").defaultValue("plain")).build();
        client().createPipeline(r -> r.pipeline(declared));
        int before = client().listPipelineExecutions(r -> r.pipelineName(name)).pipelineExecutionSummaries().size();

        assertThatThrownBy(() -> client().startPipelineExecution(r -> r.name(name).variables(v -> v.name("V").value("before\0after"))))
                .isInstanceOf(software.amazon.awssdk.services.codepipeline.model.ValidationException.class)
                .hasMessageContaining("variables[0].value").hasMessageContaining("NUL");
        assertThat(client().listPipelineExecutions(r -> r.pipelineName(name)).pipelineExecutionSummaries()).hasSize(before);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("the command did not write " + file, e);
        }
    }
}
