package dev.conveyor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On JDK 25 and newer the launcher makes an ahead-of-time cache of a server's start (bin/lib/aot.sh): a server
 * started from it serves requests, and once the jar is rebuilt the stale cache is no longer offered.
 */
class AotCacheTest {
    private static final Path ROOT = PackagedCli.ROOT;

    /** Runs bash with the launcher's libraries sourced and the JDK found; returns what it printed (null: it failed). */
    private static String launcherShell(String script) {
        return PackagedCli.launcherShell(Map.of(), script);
    }

    @Test
    void aServerStartsFromTheCacheAndAStaleCacheIsNotOffered(@TempDir Path dataDir) throws Exception {
        String version = launcherShell("echo $CONVEYOR_JAVA_VERSION");
        assumeTrue(version != null && Integer.parseInt(version) >= 25 && Runtime.version().feature() == Integer.parseInt(version),
                "the launcher's JDK (" + version + ") is this JVM's and 25 or newer");
        String options = launcherShell("ROOT=" + ROOT + " conveyor_aot_train && ROOT=" + ROOT + " conveyor_aot_options");
        Path cache = ROOT.resolve("conveyor-cli/target/conveyor-server-jdk" + version + ".aot");
        assertThat(options).startsWith("-XX:AOTCache=" + cache);
        assertThat(cache).isNotEmptyFile();

        try (ConveyorProcess server = ConveyorProcess.start(Arrays.asList(options.split(" ")), dataDir)) {
            HttpResponse<String> list = HttpClient.newHttpClient().send(dev.conveyor.testkit.TestSigner.json(URI.create(server.endpoint() + "/"),
                    "CodePipeline_20150709.ListPipelines", "{}").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(list.body()).contains("\"pipelines\"");
        }

        Path jar = PackagedCli.jar();
        FileTime built = Files.getLastModifiedTime(jar);
        try {
            Files.setLastModifiedTime(jar, FileTime.from(Files.getLastModifiedTime(cache).toInstant().plusSeconds(1)));
            assertThat(launcherShell("ROOT=" + ROOT + " conveyor_aot_options")).as("options once the jar is newer").isEmpty();
        } finally {
            Files.setLastModifiedTime(jar, built.toInstant().isAfter(Instant.now()) ? FileTime.from(Instant.now()) : built);
        }
    }
}
