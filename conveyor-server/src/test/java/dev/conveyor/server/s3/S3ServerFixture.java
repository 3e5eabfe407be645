package dev.conveyor.server.s3;

import dev.conveyor.testkit.TestCredentials;

import dev.conveyor.server.ConveyorServer;
import dev.conveyor.server.ServerConfig;
import dev.conveyor.testkit.PostgresServer;
import dev.conveyor.testkit.TestDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.s3.S3Client;

/** A real server on a random port over a fresh database and data dir, with S3 and CodePipeline SDK clients. */
final class S3ServerFixture implements AutoCloseable {
    private final Path dataDir;
    private final ConveyorServer server;
    private final S3Client s3;
    private final CodePipelineClient codePipeline;

    S3ServerFixture(String databaseKind) {
        this(databaseKind, UnaryOperator.identity());
    }

    S3ServerFixture(String databaseKind, UnaryOperator<ServerConfig> customise) {
        try {
            dataDir = Files.createTempDirectory("conveyor-s3-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerConfig base = ServerConfig.embedded(dataDir, 0).withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY));
        ServerConfig config = customise.apply("h2".equals(databaseKind) ? base : base.withDatabaseUrl(TestDatabases.freshUrl(databaseKind)));
        server = new ConveyorServer(config).start();
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY));
        s3 = S3Client.builder().endpointOverride(URI.create(server.endpoint())).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        codePipeline = CodePipelineClient.builder().endpointOverride(URI.create(server.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
    }

    S3Client s3() {
        return s3;
    }

    CodePipelineClient codePipeline() {
        return codePipeline;
    }

    ConveyorServer server() {
        return server;
    }

    String endpoint() {
        return server.endpoint();
    }

    Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        s3.close();
        codePipeline.close();
        server.close();
        PostgresServer.deleteRecursively(dataDir);
    }
}
