package dev.conveyor.server;

import dev.conveyor.testkit.TestCredentials;

import dev.conveyor.testkit.TestDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;

/**
 * A real server on a random port over a fresh database of the given kind, and an AWS SDK client pointed at it.
 * {@link #restart()} stops the server and starts a new one over the same data, as after a process restart.
 */
public final class ServerFixture implements AutoCloseable {
    private final ServerConfig config;
    private ConveyorServer server;
    private CodePipelineClient client;

    public ServerFixture(String databaseKind) {
        this(databaseKind, ServerConfig.EngineSettings.defaults());
    }

    public ServerFixture(String databaseKind, ServerConfig.EngineSettings engine) {
        try {
            Path dataDir = Files.createTempDirectory("conveyor-server-");
            ServerConfig base = ServerConfig.embedded(dataDir, 0).withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY)).withEngine(engine);
            this.config = "h2".equals(databaseKind) ? base : base.withDatabaseUrl(TestDatabases.freshUrl(databaseKind));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        start();
    }

    /** The one host directory this server's jobs may write besides their workspaces (they run sandboxed). */
    private final Path jobShared = createJobShared();

    private static Path createJobShared() {
        try {
            return Files.createTempDirectory("conveyor-job-shared-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A new directory that this server's jobs (sandboxed: they see nothing else of the host) and the test both read and
     * write: for markers and outputs a test's commands leave on the host.
     */
    public Path jobSharedDirectory(String name) {
        try {
            Path dir = Files.createTempDirectory(jobShared, name + "-");
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void start() {
        server = new ConveyorServer(config).allowJobsToWrite(List.of(jobShared)).start();
        client = sdkClient(CodePipelineClient.builder(), server.endpoint());
    }

    /**
     * Any AWS SDK client pointed at a test server: us-east-1, the test administrator's key (TestCredentials), the
     * JDK's HTTP client. The caller closes it.
     */
    static <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C sdkClient(B builder, String endpoint) {
        return builder.endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY)))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** {@link #sdkClient} for tests in other packages (the fuzz tests). */
    public static <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C sdkClientForFuzz(B builder, String endpoint) {
        return sdkClient(builder, endpoint);
    }

    public CodePipelineClient client() {
        return client;
    }

    public ConveyorServer server() {
        return server;
    }

    public String endpoint() {
        return server.endpoint();
    }

    /** The server's data directory. */
    public Path dataDir() {
        return config.dataDir();
    }

    /** The clone URL of a hosted repository, with the administrator's key as credentials (git over HTTP needs them). */
    public String gitUrl(String repository) {
        return AdministratorKey.of(config.dataDir()).inUrl(server.endpoint() + "/v1/repos/" + repository);
    }

    public void restart() {
        close();
        start();
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
