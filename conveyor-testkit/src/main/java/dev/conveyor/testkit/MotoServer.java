package dev.conveyor.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * moto's S3-compatible server ({@code moto_server}) as a subprocess on a free loopback port, for tests of the
 * external artifact store. A missing moto is an error, never a reason to skip.
 */
public final class MotoServer implements AutoCloseable {
    /** Names the moto_server executable when it is neither on the PATH nor where pip puts it. */
    public static final String EXECUTABLE_VARIABLE = "CONVEYOR_TEST_MOTO_SERVER";

    private final Process process;
    private final int port;
    private final Path log;

    private MotoServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts moto_server and waits until it accepts connections. */
    public static MotoServer start() {
        try {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            Path log = Files.createTempFile("moto-", ".log");
            Process process;
            try {
                process = new ProcessBuilder(executable(), "-H", "127.0.0.1", "-p", Integer.toString(port))
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new IllegalStateException("moto_server is not installed (pip install 'moto[server]'), or set "
                        + EXECUTABLE_VARIABLE + " to it: " + e.getMessage(), e);
            }
            MotoServer moto = new MotoServer(process, port, log);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("moto_server exited: " + Files.readString(log));
                }
                try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    return moto;
                } catch (IOException notYet) {
                    Thread.sleep(50);
                }
            }
            moto.close();
            throw new IllegalStateException("moto_server did not start within 60 s: " + Files.readString(log));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code $CONVEYOR_TEST_MOTO_SERVER}, else {@code moto_server} on the PATH, else where pip puts it outside the PATH
     * of a non-interactive shell (CI runs {@code .ci/run} without the login profile that adds pyenv's shims).
     */
    static String executable() {
        String configured = System.getenv(EXECUTABLE_VARIABLE);
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "moto_server"));
            }
        }
        String home = System.getProperty("user.home");
        String pyenv = System.getenv().getOrDefault("PYENV_ROOT", home + "/.pyenv");
        candidates.add(Path.of(pyenv, "shims", "moto_server"));
        candidates.add(Path.of(home, ".local", "bin", "moto_server"));
        return candidates.stream().filter(Files::isExecutable).findFirst().map(Path::toString).orElse("moto_server");
    }

    /** The endpoint URL, e.g. {@code http://127.0.0.1:5000}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
