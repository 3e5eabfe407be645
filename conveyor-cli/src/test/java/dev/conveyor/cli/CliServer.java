package dev.conveyor.cli;

import dev.conveyor.testkit.TestCredentials;

import dev.conveyor.server.ConveyorServer;
import dev.conveyor.server.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;

/**
 * A real server in this JVM on a free port over a fresh data directory, an AWS SDK client to set up pipelines
 * with, and the conveyor command line to run client commands against it with their output captured. Starting a
 * server takes a while, so a test class usually shares one among its tests: {@link #perClass()}.
 */
final class CliServer implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    /** What one command did. */
    record Result(int exitCode, String out, String err) {
        /** Everything printed, for messages of failed assertions. */
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    private Path dataDir;
    private ConveyorServer server;
    private CodePipelineClient client;

    private CliServer() {
    }

    /** A server started now, for a test that closes it itself. */
    static CliServer start() {
        CliServer server = new CliServer();
        server.open();
        return server;
    }

    /**
     * A server for every test of a class, started before the first and closed after the last: register it with
     * {@code @RegisterExtension static final CliServer server = CliServer.perClass();}.
     */
    static CliServer perClass() {
        return new CliServer();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        open();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    private void open() {
        // The client commands run in this JVM find credentials the standard way; the SDK's chain reads these properties.
        System.setProperty("aws.accessKeyId", TestCredentials.ACCESS_KEY_ID);
        System.setProperty("aws.secretAccessKey", TestCredentials.SECRET_ACCESS_KEY);
        try {
            dataDir = Files.createTempDirectory("conveyor-cli-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server = new ConveyorServer(ServerConfig.embedded(dataDir, 0).withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY)).withEngine(new ServerConfig.EngineSettings(
                true, 8, Duration.ofMinutes(10), Duration.ofSeconds(5), Duration.ofMillis(200))))
                // as `server --demo` does: the demo's Deploy stage writes its releases there, the one host directory its
                // sandboxed commands may write
                .allowJobsToWrite(java.util.List.of(dev.conveyor.cli.demo.DemoPipeline.deployRoot(dataDir))).start();
        client = CodePipelineClient.builder()
                .endpointOverride(URI.create(server.endpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY)))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    ConveyorServer server() {
        return server;
    }

    CodePipelineClient client() {
        return client;
    }

    Path dataDir() {
        return dataDir;
    }

    String endpoint() {
        return server.endpoint();
    }

    /** Runs {@code conveyor <args> --endpoint <this server>} and returns what it printed. */
    Result conveyor(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--endpoint", endpoint()));
        return run(all.toArray(String[]::new));
    }

    /** Runs {@code conveyor <args>} exactly as given. */
    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = ConveyorCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
