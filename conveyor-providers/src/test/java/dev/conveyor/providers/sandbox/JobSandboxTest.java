package dev.conveyor.providers.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.conveyor.providers.commands.ShellProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a job's process sees, run for real through {@link ShellProcess} in each kind of {@link JobSandbox}. */
class JobSandboxTest {
    private static final Map<String, String> HOST = Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "LANG", "C.UTF-8",
            "AWS_SECRET_ACCESS_KEY", "host-aws-secret", "PGPASSWORD", "host-pg-password", "CONVEYOR_ADMIN_KEY", "host-conveyor-key");

    @TempDir
    Path dir;

    private List<String> run(JobSandbox sandbox, Path workspace, String script, Map<String, String> declared) throws Exception {
        List<String> lines = new ArrayList<>();
        ShellProcess.Result result = ShellProcess.run(sandbox, workspace, List.of("bash", "-c", script), workspace, declared,
                Duration.ofSeconds(30), lines::add, pgid -> { });
        lines.add("exit=" + result.exitCode());
        return lines;
    }

    @Test
    void aJobSeesWhatItDeclaresAndTheBasicsNeverTheHostsVariables() throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("job-1"));
        JobSandbox sandbox = new JobSandbox(JobSandbox.Isolation.ENVIRONMENT, null, List.of(), HOST);
        List<String> env = run(sandbox, workspace, "env | sort", Map.of("DECLARED", "yes", "HOME", "/root"));
        assertThat(env).contains("DECLARED=yes", "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8",
                "HOME=" + workspace.resolve(".home"), "TMPDIR=" + workspace.resolve(".tmp"), "exit=0");
        assertThat(String.join("\n", env)).doesNotContain("host-aws-secret", "host-pg-password", "host-conveyor-key", "JAVA_HOME");
    }

    @Test
    void inBubblewrapAJobSeesItsWorkspaceButNotItsNeighboursNorTheHostsHomes() throws Exception {
        JobSandbox sandbox = new JobSandbox(JobSandbox.Isolation.BUBBLEWRAP,
                JobSandbox.runningAsRoot() ? JobSandbox.buildUser().orElseThrow() : null, List.of(), HOST);
        assumeTrue(sandbox.probe().isEmpty(), () -> "bubblewrap does not work here: " + sandbox.probe().orElse(""));
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(data.resolve("keys"));
        Files.writeString(data.resolve("keys/master.key"), "the-master-key");
        Path workspace = Files.createDirectories(data.resolve("workspaces/job-1"));
        Path neighbour = Files.createDirectories(data.resolve("workspaces/job-2"));
        Files.writeString(neighbour.resolve("secret.txt"), "the-neighbours-input");
        Files.writeString(workspace.resolve("mine.txt"), "my-input\n");

        List<String> seen = run(sandbox, workspace, String.join("\n",
                "cat " + workspace.resolve("mine.txt") + "; echo written > " + workspace.resolve("out.txt"),
                "mktemp >/dev/null && echo TMP-WRITABLE",
                "cat " + data + "/keys/master.key 2>/dev/null || echo NO-KEYS",
                "cat " + neighbour + "/secret.txt 2>/dev/null || echo NO-NEIGHBOUR",
                "ls -a " + data.resolve("workspaces") + " 2>&1 | sed 's/^/LS: /'",
                "test -e " + neighbour + " && echo NEIGHBOUR-VISIBLE || echo NO-NEIGHBOUR-DIR",
                "test -e /root/. && echo ROOT-HOME-VISIBLE || echo NO-ROOT-HOME",
                "echo uid=$(id -u)"), Map.of());
        assertThat(seen).contains("my-input", "NO-KEYS", "NO-NEIGHBOUR", "NO-NEIGHBOUR-DIR", "NO-ROOT-HOME", "TMP-WRITABLE", "exit=0")
                .doesNotContain("LS: job-2", "LS: keys", "the-master-key", "the-neighbours-input");
        if (JobSandbox.runningAsRoot()) {
            assertThat(seen).doesNotContain("uid=0");
        }
        assertThat(workspace.resolve("out.txt")).hasContent("written");
    }
}
