package dev.conveyor.cli;

import dev.conveyor.server.ops.DataDirectoryBackup;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code conveyor restore FILE}: a backup made by {@code conveyor backup}, into a new data directory (issue 19). */
@Command(name = "restore", mixinStandardHelpOptions = true, description = "Restore a backup made by conveyor backup into a "
        + "data directory that holds no database yet; then start the server on it.")
public final class RestoreCommand implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = "${sys:user.home}/.conveyor", description = "The data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Parameters(paramLabel = "FILE", description = "The zip conveyor backup wrote.")
    Path archive;

    @Override
    public Integer call() throws Exception {
        int files = DataDirectoryBackup.restore(archive, dataDir);
        System.out.println("restored " + files + " files into " + dataDir);
        return 0;
    }
}
