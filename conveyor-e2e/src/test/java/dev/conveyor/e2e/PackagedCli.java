package dev.conveyor.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged {@code conveyor} jar that every end-to-end test runs, started with this JVM's own java the way
 * bin/conveyor starts it. Tests never load its classes: what is tested is what a user runs.
 */
final class PackagedCli {
    /** The project's root, where bin/ is. */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** bin/conveyor's options for servers and agents, found once per test run. */
    private static List<String> serverOptions;

    private PackagedCli() {
    }

    /** {@code java -jar conveyor-cli.jar args…}; fails at once with what to do when the jar was not built. */
    static List<String> command(String... args) {
        return command(List.of(), args);
    }

    /** {@code java launcherOptions… jvmOptions… -jar conveyor-cli.jar args…}. */
    static List<String> command(List<String> jvmOptions, String... args) {
        Path jar = jar();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the packaged CLI is missing at " + jar + ": run the suite with `mvn verify` (bin/test)");
        }
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(launcherOptions(args.length == 0 ? "" : args[0]));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * The JVM options bin/conveyor gives {@code command}: a server or an agent starts from the ahead-of-time cache of a
     * start (bin/lib/aot.sh, made here once per build when missing, on JDK 25 and newer), a client command on the C1
     * compiler alone. Besides being what users run, it is what keeps the suite's time: on two cores the end-to-end
     * classes are bound by the processor, and a server start from the cache takes about 4.8 s of it rather than 7.9 s.
     */
    static List<String> launcherOptions(String command) {
        return switch (command) {
            case "server", "agent" -> serverOptions();
            default -> List.of("-XX:TieredStopAtLevel=1");
        };
    }

    private static synchronized List<String> serverOptions() {
        if (serverOptions == null) {
            serverOptions = List.of();
            if (Runtime.version().feature() >= 25) {
                // On this JVM's JDK: a cache made for another JDK would be ignored.
                String options = launcherShell(Map.of("JAVA_HOME", System.getProperty("java.home")),
                        "conveyor_aot_train && conveyor_aot_options");
                if (options != null && !options.isEmpty()) {
                    serverOptions = List.of(options.split(" "));
                }
            }
        }
        return serverOptions;
    }

    /**
     * Runs {@code script} in bash at the project's root with the launcher's libraries sourced (bin/lib/jdk.sh,
     * bin/lib/aot.sh), {@code ROOT} set and the JDK found, {@code environment} added; what it printed, or null when it
     * failed.
     */
    static String launcherShell(Map<String, String> environment, String script) {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", ". bin/lib/jdk.sh && . bin/lib/aot.sh && conveyor_find_jdk && " + script)
                .directory(ROOT.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("ROOT", ROOT.toString());
        builder.environment().putAll(environment);
        try {
            Process bash = builder.start();
            String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!bash.waitFor(120, TimeUnit.SECONDS)) {
                bash.destroyForcibly();
                throw new IllegalStateException("the launcher's script did not end within 120 s: " + script);
            }
            return bash.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script, e);
        }
    }

    static Path jar() {
        return Paths.get(System.getProperty("conveyor.cli.jar", "../conveyor-cli/target/conveyor-cli.jar")).toAbsolutePath();
    }
}
