package dev.conveyor.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged {@code conveyor} jar that every end-to-end test runs, started with this JVM's own java the way
 * bin/conveyor starts it. Tests never load its classes: what is tested is what a user runs.
 */
final class PackagedCli {
    private PackagedCli() {
    }

    /** {@code java -jar conveyor-cli.jar args…}; fails at once with what to do when the jar was not built. */
    static List<String> command(String... args) {
        return command(List.of(), args);
    }

    /** {@code java jvmOptions… -jar conveyor-cli.jar args…}. */
    static List<String> command(List<String> jvmOptions, String... args) {
        Path jar = jar();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the packaged CLI is missing at " + jar + ": run the suite with `mvn verify` (bin/test)");
        }
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(List.of(args));
        return command;
    }

    static Path jar() {
        return Paths.get(System.getProperty("conveyor.cli.jar", "../conveyor-cli/target/conveyor-cli.jar")).toAbsolutePath();
    }
}
