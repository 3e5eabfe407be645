package dev.conveyor.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The stock git client as a new user runs it, but with a throwaway identity and none of this machine's git
 * config, so a signing hook or a global setting on the host cannot change what the test sees.
 */
final class Git {
    private Git() {
    }

    /** Runs {@code git args…} in {@code dir} and requires success; returns its output (stdout and stderr). */
    static String run(Path dir, String... args) throws Exception {
        return run(dir, java.util.Map.of(), List.of(), args);
    }

    /**
     * Runs git against a Conveyor server's hosted repositories as its administrator, the standard way: git's credential
     * helper is the AWS CLI's ({@code aws codecommit credential-helper}, which signs a password with SigV4), and the AWS
     * CLI finds the key in the shared-credentials profile the server wrote to {@code <dataDir>/admin-credentials}.
     */
    static String asAdministrator(Path dir, Path dataDir, String... args) throws Exception {
        return run(dir, java.util.Map.of("AWS_SHARED_CREDENTIALS_FILE", dataDir.resolve("admin-credentials").toString(),
                        "AWS_PROFILE", "conveyor-admin", "AWS_DEFAULT_REGION", "us-east-1", "AWS_CONFIG_FILE", "/dev/null"),
                List.of("credential.helper=!f() { test \"$1\" = get && aws codecommit credential-helper get --ignore-host-check; }; f",
                        "credential.useHttpPath=true"), args);
    }

    private static String run(Path dir, java.util.Map<String, String> env, List<String> config, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=New User", "-c", "user.email=new@example.com",
                "-c", "commit.gpgsign=false"));
        for (String c : config) {
            command.add("-c");
            command.add(c);
        }
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        builder.environment().put("GIT_TERMINAL_PROMPT", "0");
        builder.environment().putAll(env);
        builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        builder.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError("git " + String.join(" ", args) + " failed:\n" + output);
        }
        return output;
    }
}
