package dev.conveyor.server.ops;

import dev.conveyor.store.Database;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * {@code conveyor backup} and {@code conveyor restore} of a single server's data directory: the embedded database
 * (a consistent copy made by H2's {@code BACKUP}), the filesystem artifact store, the keyring, the hosted git
 * repositories and the TLS files, in one zip. The server must be stopped (H2 lets one process open its file, so a
 * running server makes the backup fail rather than copy artifacts that are changing). With PostgreSQL and an external
 * object store, use their own tools instead (docs/operations.md: pg_dump, bucket versioning or replication).
 */
public final class DataDirectoryBackup {
    /** What is kept, below the data directory: everything but logs, workspaces and temporary files. */
    static final List<String> KEPT = List.of("artifacts", "keys", "git", "tls", "functions");
    private static final String DATABASE_ENTRY = "db/";

    private DataDirectoryBackup() {
    }

    /** Writes the backup of {@code dataDir} to {@code archive}; returns the number of files it holds. */
    public static int create(Path dataDir, Path archive) throws IOException {
        if (!Files.isDirectory(dataDir.resolve("db"))) {
            throw new IllegalArgumentException(dataDir + " holds no embedded database (with --database, back up PostgreSQL with pg_dump)");
        }
        Path databaseCopy = Files.createTempFile(archive.toAbsolutePath().getParent(), ".conveyor-db-", ".zip");
        Files.delete(databaseCopy);
        int files = 0;
        try {
            try (Database database = Database.embedded(dataDir)) {
                database.read(c -> {
                    try (var s = c.prepareStatement("BACKUP TO ?")) {
                        s.setString(1, databaseCopy.toString());
                        s.execute();
                    }
                    return null;
                });
            }
            Path partial = archive.resolveSibling(archive.getFileName() + ".partial");
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(partial))) {
                try (ZipInputStream database = new ZipInputStream(Files.newInputStream(databaseCopy))) {
                    for (ZipEntry entry; (entry = database.getNextEntry()) != null; ) {
                        if (!entry.isDirectory()) {
                            zip.putNextEntry(new ZipEntry(DATABASE_ENTRY + entry.getName()));
                            database.transferTo(zip);
                            zip.closeEntry();
                            files++;
                        }
                    }
                }
                for (String kept : KEPT) {
                    Path root = dataDir.resolve(kept);
                    if (!Files.isDirectory(root)) {
                        continue;
                    }
                    try (Stream<Path> walk = Files.walk(root)) {
                        for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                            String name = dataDir.relativize(file).toString().replace('\\', '/');
                            if (name.startsWith("artifacts/spool/") || name.contains("/tmp/") || name.endsWith(".tmp")) {
                                continue; // uploads cut short: removed at the next start anyway
                            }
                            zip.putNextEntry(new ZipEntry(name));
                            try (InputStream in = Files.newInputStream(file)) {
                                in.transferTo(zip);
                            }
                            zip.closeEntry();
                            files++;
                        }
                    }
                }
            }
            Files.move(partial, archive, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(databaseCopy);
        }
        return files;
    }

    /** Restores {@code archive} into {@code dataDir}, which must not hold a database yet; returns the number of files. */
    public static int restore(Path archive, Path dataDir) throws IOException {
        if (Files.exists(dataDir.resolve("db"))) {
            throw new IllegalArgumentException(dataDir + " already holds a database: restore into a new data directory");
        }
        Path root = dataDir.toAbsolutePath().normalize();
        int files = 0;
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                Path target = root.resolve(entry.getName()).normalize();
                if (!target.startsWith(root) || entry.getName().contains("..")) {
                    throw new IllegalArgumentException("the backup holds an entry outside the data directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = zip.getInputStream(entry); OutputStream out = Files.newOutputStream(target)) {
                    in.transferTo(out);
                }
                files++;
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return files;
    }
}
