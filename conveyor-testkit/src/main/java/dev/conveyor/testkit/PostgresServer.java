package dev.conveyor.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests, shared by every test in the JVM.
 *
 * <p>When {@code CONVEYOR_TEST_POSTGRES_URL} is set (CI starts a server and sets it, e.g.
 * {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres&password=postgres}) that server is used.
 * Otherwise a private cluster is created with the system's {@code initdb} and {@code pg_ctl} in a temporary
 * directory on a free loopback port, and stopped when the JVM exits. A missing PostgreSQL installation is an
 * error, never a reason to skip: the suite must run on both databases.
 */
public final class PostgresServer {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static volatile PostgresServer shared;

    private final String adminUrl;

    private PostgresServer(String adminUrl) {
        this.adminUrl = adminUrl;
    }

    /** The shared server, started on first use. */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            String external = System.getenv("CONVEYOR_TEST_POSTGRES_URL");
            shared = external != null && !external.isBlank() ? new PostgresServer(external) : startPrivateCluster();
        }
        return shared;
    }

    /** Creates an empty database and returns its JDBC URL (credentials included as URL parameters). */
    public String createDatabase() {
        String name = "conveyor_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database on " + adminUrl, e);
        }
        return withDatabase(adminUrl, name);
    }

    static String withDatabase(String url, String database) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        String params = query < 0 ? "" : url.substring(query);
        return base.substring(0, base.lastIndexOf('/') + 1) + database + params;
    }

    private static PostgresServer startPrivateCluster() {
        Path bin = findBinaries();
        try {
            Path dir = Files.createTempDirectory("conveyor-pg-");
            Path data = dir.resolve("data");
            int port = freePort();
            boolean root = "root".equals(System.getProperty("user.name"));
            if (root) {
                // PostgreSQL refuses to run as root: run it as the postgres user the Debian package creates.
                run(List.of("chown", "-R", "postgres", dir.toString()), dir);
            }
            run(asPostgres(root, List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
                    "-A", "trust", "-E", "UTF8", "--no-sync")), dir);
            run(asPostgres(root, List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-l",
                    dir.resolve("postgres.log").toString(), "-o",
                    "-p " + port + " -h 127.0.0.1 -k " + dir + " -F -c max_connections=300 -c shared_buffers=128MB",
                    "start")), dir);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    run(asPostgres(root, List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m",
                            "immediate", "stop")), dir);
                    deleteRecursively(dir);
                } catch (RuntimeException ignored) {
                    // best effort at exit
                }
            }));
            return new PostgresServer("jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a private PostgreSQL cluster", e);
        }
    }

    private static List<String> asPostgres(boolean root, List<String> command) {
        if (!root) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static Path findBinaries() {
        Path lib = Paths.get("/usr/lib/postgresql");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> versions = Files.list(lib)) {
                var newest = versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")))
                        .max(Comparator.comparingInt(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))));
                if (newest.isPresent()) {
                    return newest.get();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Paths.get(dir, "initdb"))) {
                return Paths.get(dir);
            }
        }
        throw new IllegalStateException("PostgreSQL is not installed (no initdb under /usr/lib/postgresql or on PATH): "
                + "install it (apt-get install postgresql) or set CONVEYOR_TEST_POSTGRES_URL");
    }

    private static void run(List<String> command, Path dir) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("setup.log").toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("command failed: " + command + "\n" + Files.readString(dir.resolve("setup.log")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Deletes a directory tree; used for temporary data directories. */
    public static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
