package dev.conveyor.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.server.ConveyorServer;
import dev.conveyor.server.ServerConfig;
import dev.conveyor.testkit.TestCredentials;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

class DataDirectoryBackupTest {
    @TempDir
    Path dir;

    @Test
    void aRestoredBackupServesTheSameObjectsEncryptedOnesIncluded() throws Exception {
        Path original = dir.resolve("original");
        try (ConveyorServer server = new ConveyorServer(ServerConfig.embedded(original, 0).withAuth(ServerConfig.AuthSettings.administrator(dev.conveyor.testkit.TestCredentials.ACCESS_KEY_ID, dev.conveyor.testkit.TestCredentials.SECRET_ACCESS_KEY))).start(); S3Client s3 = s3(server)) {
            s3.createBucket(b -> b.bucket("kept"));
            s3.putObject(b -> b.bucket("kept").key("plain.txt"), RequestBody.fromString("plain"));
            s3.putObject(b -> b.bucket("kept").key("sealed.txt").serverSideEncryption(ServerSideEncryption.AWS_KMS)
                    .ssekmsKeyId("alias/backup"), RequestBody.fromString("sealed"));
        }
        Path archive = dir.resolve("backup.zip");
        assertThat(DataDirectoryBackup.create(original, archive)).isGreaterThan(2);

        Path restored = dir.resolve("restored");
        DataDirectoryBackup.restore(archive, restored);
        try (ConveyorServer server = new ConveyorServer(ServerConfig.embedded(restored, 0).withAuth(ServerConfig.AuthSettings.administrator(dev.conveyor.testkit.TestCredentials.ACCESS_KEY_ID, dev.conveyor.testkit.TestCredentials.SECRET_ACCESS_KEY))).start(); S3Client s3 = s3(server)) {
            assertThat(s3.getObjectAsBytes(b -> b.bucket("kept").key("plain.txt")).asUtf8String()).isEqualTo("plain");
            assertThat(s3.getObjectAsBytes(b -> b.bucket("kept").key("sealed.txt")).asUtf8String()).isEqualTo("sealed");
        }
        assertThatThrownBy(() -> DataDirectoryBackup.restore(archive, restored)).hasMessageContaining("already holds a database");
        assertThat(Files.exists(restored.resolve("keys").resolve("keyring.json"))).isTrue();
    }

    private static S3Client s3(ConveyorServer server) {
        return S3Client.builder().endpointOverride(URI.create(server.endpoint())).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(TestCredentials.ACCESS_KEY_ID,
                        TestCredentials.SECRET_ACCESS_KEY)))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }
}
