package dev.conveyor.server;

import dev.conveyor.testkit.TestCredentials;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.testkit.PostgresServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What an upload or a push cut short by a killed server leaves in the data directory (a blob's temporary file, JGit's
 * temporary pack, index and loose object, lock files, blobs a deletion set aside) is settled at the next start, and
 * what was committed is still there: the object reads back, the repository fetches, and its branch takes a push again.
 */
class InterruptedWritesTest {
    private Path dataDir;
    private Path work;
    private ConveyorServer server;

    @BeforeEach
    void start() throws IOException {
        dataDir = Files.createTempDirectory("conveyor-leftovers-");
        work = Files.createTempDirectory("conveyor-leftovers-work-");
        server = new ConveyorServer(ServerConfig.embedded(dataDir, 0).withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY))).start();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        PostgresServer.deleteRecursively(dataDir);
        PostgresServer.deleteRecursively(work);
    }

    private S3Client s3() {
        return S3Client.builder().endpointOverride(URI.create(server.endpoint())).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY)))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @Test
    void leftoversOfInterruptedUploadsAndPushesAreRemovedAtStartAndCommittedDataIsNot() throws Exception {
        try (S3Client s3 = s3()) {
            s3.createBucket(r -> r.bucket("kept"));
            s3.putObject(r -> r.bucket("kept").key("app.zip"), RequestBody.fromString("committed bytes"));
        }
        String repoUrl = AdministratorKey.of(dataDir).inUrl(server.endpoint() + "/v1/repos/team/app");
        GitWorkTree tree = GitWorkTree.init(work.resolve("app"), "main");
        String first = tree.write("app.txt", "v1").commit("one");
        tree.push(repoUrl, "main");
        server.close();

        Path repository = dataDir.resolve("git/team/app.git");
        assertThat(repository.resolve("HEAD")).isRegularFile();
        List<Path> leftovers = List.of(
                dataDir.resolve("artifacts/incoming/blob-1234.tmp"),
                repository.resolve("objects/incoming_5678.pack"),
                repository.resolve("objects/incoming_5678.idx"),
                repository.resolve("objects/noz9012.tmp"),
                repository.resolve("objects/pack/insert_3456.pack"),
                repository.resolve("refs/heads/main.lock"),
                repository.resolve("packed-refs.lock"));
        for (Path leftover : leftovers) {
            Files.createDirectories(leftover.getParent());
            Files.write(leftover, new byte[4096]);
        }
        List<Path> committed;
        try (var files = Files.walk(dataDir.resolve("artifacts/blobs"))) {
            committed = files.filter(Files::isRegularFile).toList();
        }
        assertThat(committed).isNotEmpty();
        // A deletion sets a blob's file aside before its transaction commits: killed in between, the transaction
        // rolls back and the object still needs the file; a committed deletion's file is garbage.
        Path trash = dataDir.resolve("artifacts/trash");
        for (Path blob : committed) {
            Files.move(blob, trash.resolve(blob.getFileName() + "." + UUID.randomUUID()));
        }
        Path deleted = trash.resolve("0".repeat(64) + "." + UUID.randomUUID());
        Files.write(deleted, new byte[4096]);

        server = new ConveyorServer(ServerConfig.embedded(dataDir, 0).withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY))).start();

        assertThat(leftovers).allSatisfy(leftover -> assertThat(leftover).doesNotExist());
        assertThat(committed).as("put back from the trash").allSatisfy(blob -> assertThat(blob).isRegularFile());
        assertThat(deleted).doesNotExist();
        try (S3Client s3 = s3()) {
            assertThat(s3.getObjectAsBytes(r -> r.bucket("kept").key("app.zip")).asUtf8String()).isEqualTo("committed bytes");
        }
        String url = AdministratorKey.of(dataDir).inUrl(server.endpoint() + "/v1/repos/team/app");
        assertThat(tree.git("ls-remote", url, "refs/heads/main")).startsWith(first);
        // The stale main.lock would have refused this update of main.
        String second = tree.write("app.txt", "v2").commit("two");
        tree.push(url, "main");
        assertThat(tree.git("ls-remote", url, "refs/heads/main")).startsWith(second);
        GitWorkTree.initBare(work.resolve("clone.git"));
        GitWorkTree.run(work.resolve("clone.git"), "fetch", "-q", url, "main");
        assertThat(GitWorkTree.run(work.resolve("clone.git"), "rev-parse", "FETCH_HEAD").output().strip())
                .as("every object of the pushed history is there").isEqualTo(second);
    }
}
