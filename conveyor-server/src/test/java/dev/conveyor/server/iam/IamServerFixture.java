package dev.conveyor.server.iam;

import dev.conveyor.testkit.MovableClock;
import dev.conveyor.testkit.TestCredentials;

import dev.conveyor.iam.identity.AdministratorBootstrap;
import dev.conveyor.server.ConveyorServer;
import dev.conveyor.server.ServerConfig;
import dev.conveyor.testkit.TestDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * A real server over a fresh database of the given kind, on a clock the test can move forward (to expire temporary
 * credentials), and IAM and STS clients of the AWS SDK for Java v2 pointed at it with any credentials.
 */
final class IamServerFixture implements AutoCloseable {
    /** A clock that stands still until told to move. */
    final Path dataDir;
    final MovableClock clock = MovableClock.at(Instant.now());
    final ConveyorServer server;

    IamServerFixture(String databaseKind) {
        try {
            dataDir = Files.createTempDirectory("conveyor-iam-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerConfig base = ServerConfig.embedded(dataDir, 0).withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY));
        ServerConfig config = "h2".equals(databaseKind) ? base : base.withDatabaseUrl(TestDatabases.freshUrl(databaseKind));
        server = new ConveyorServer(config, clock).start();
    }

    String endpoint() {
        return server.endpoint();
    }

    /** The first administrator's key, from the shared-credentials file the server wrote on its first start. */
    AwsBasicCredentials adminCredentials() {
        Properties profile = new Properties();
        try {
            // The file is INI; its key = value lines under the single [conveyor-admin] section read as properties.
            profile.load(Files.newBufferedReader(dataDir.resolve(AdministratorBootstrap.FILE_NAME)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return AwsBasicCredentials.create(profile.getProperty("aws_access_key_id"), profile.getProperty("aws_secret_access_key"));
    }

    IamClient iam(AwsCredentials credentials) {
        return IamClient.builder().endpointOverride(URI.create(endpoint())).region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(credentials)).httpClient(UrlConnectionHttpClient.create()).build();
    }

    StsClient sts(AwsCredentials credentials) {
        return StsClient.builder().endpointOverride(URI.create(endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(credentials)).httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** Credentials Conveyor never issued: requests signed with them are refused (InvalidClientTokenId). */
    static AwsBasicCredentials unknownCredentials() {
        return AwsBasicCredentials.create("AKIAUNKNOWNEXAMPLE00", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYUNKNOWNKEY");
    }

    @Override
    public void close() {
        server.close();
    }
}
