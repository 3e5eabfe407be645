package dev.conveyor.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A work tree driven by the real {@code git} command, isolated from the user's and system's git configuration:
 * what a developer does before {@code git push}.
 */
final class GitWorkTree {
    private final Path dir;

    private GitWorkTree(Path dir) {
        this.dir = dir;
    }

    /** {@code git init} of a new work tree on {@code branch}. */
    static GitWorkTree init(Path dir, String branch) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        GitWorkTree tree = new GitWorkTree(dir);
        tree.git("init", "-q", "-b", branch);
        return tree;
    }

    /** A bare repository (a git server's copy) at {@code dir}. */
    static void initBare(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        new GitWorkTree(dir).git("init", "-q", "--bare", "-b", "main");
    }

    Path dir() {
        return dir;
    }

    GitWorkTree write(String path, String content) {
        try {
            Path file = dir.resolve(path);
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Commits everything; returns the new commit's id. */
    String commit(String message) {
        git("add", "-A");
        git("commit", "-q", "-m", message);
        return head();
    }

    String head() {
        return git("rev-parse", "HEAD").strip();
    }

    GitWorkTree checkoutNew(String branch) {
        git("checkout", "-q", "-b", branch);
        return this;
    }

    GitWorkTree checkout(String branch) {
        git("checkout", "-q", branch);
        return this;
    }

    /** {@code git push <url> <refspecs>}; returns what git printed (the server's "remote:" lines included). */
    String push(String url, String... refspecs) {
        List<String> args = new ArrayList<>(List.of("push", url));
        args.addAll(List.of(refspecs));
        return git(args.toArray(String[]::new));
    }

    /** Runs git in the work tree, failing the test when it fails; returns stdout and stderr together. */
    String git(String... args) {
        Result r = run(dir, args);
        if (r.exit() != 0) {
            throw new AssertionError("git " + String.join(" ", args) + " failed (" + r.exit() + "):\n" + r.output());
        }
        return r.output();
    }

    record Result(int exit, String output) {
    }

    /** Runs git in {@code dir} without failing. */
    static Result run(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=Ada Lovelace", "-c", "user.email=ada@example.com",
                "-c", "commit.gpgsign=false", "-c", "protocol.file.allow=always"));
        command.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            Map<String, String> env = builder.environment();
            env.put("GIT_CONFIG_NOSYSTEM", "1");
            env.put("GIT_CONFIG_GLOBAL", "/dev/null");
            env.put("GIT_TERMINAL_PROMPT", "0");
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("git " + String.join(" ", args) + " did not finish in 60 s");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
