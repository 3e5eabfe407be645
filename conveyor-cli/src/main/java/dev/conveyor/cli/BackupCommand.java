package dev.conveyor.cli;

import dev.conveyor.server.ops.DataDirectoryBackup;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code conveyor backup FILE}: the stopped server's embedded database and artifact store, in one zip (issue 19). */
@Command(name = "backup", mixinStandardHelpOptions = true, description = "Back up a stopped server's data directory (embedded "
        + "database, artifacts, keys, git repositories) into one zip. With PostgreSQL use pg_dump (docs/operations.md).")
public final class BackupCommand implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = "${sys:user.home}/.conveyor", description = "The data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Parameters(paramLabel = "FILE", description = "The zip to write.")
    Path archive;

    @Override
    public Integer call() throws Exception {
        int files = DataDirectoryBackup.create(dataDir, archive);
        System.out.println("backed up " + dataDir + " into " + archive + " (" + files + " files)");
        return 0;
    }
}
