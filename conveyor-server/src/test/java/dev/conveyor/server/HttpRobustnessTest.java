package dev.conveyor.server;

import dev.conveyor.testkit.TestCredentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 13's HTTP robustness items, each through a real client against a real server: what a hostile or broken
 * request gets (the protocol's own error, never a Jetty page, a stack trace or a server path) and that the server
 * keeps serving meanwhile.
 */
class HttpRobustnessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ServerFixture server;
    private static HttpClient http;

    @TempDir
    Path work;

    @BeforeAll
    static void start() {
        server = new ServerFixture("h2");
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        http.close();
        server.close();
    }

    // ------------------------------------------------------------------------------------------- item 11

    @Test
    void deeplyNestedJsonIsASerializationExceptionOnEveryJsonApi() throws Exception {
        String nested = "[".repeat(100_000);
        for (String target : List.of("CodePipeline_20150709.ListPipelines", "CodeBuild_20161006.ListProjects",
                "AmazonSSM.GetParameter", "secretsmanager.GetSecretValue")) {
            HttpResponse<String> response = postJson(target, "{\"a\":" + nested);
            assertThat(response.statusCode()).as(target).isEqualTo(400);
            JsonNode error = JSON.readTree(response.body());
            assertThat(error.path("__type").asText()).as(target).isEqualTo("SerializationException");
            assertThat(error.path("message").asText()).as(target).contains("nesting depth").doesNotContain("StreamReadConstraints");
        }
        // Nesting within the limit still parses (and is then judged by the operation's input shape).
        assertThat(postJson("CodePipeline_20150709.ListPipelines", "{\"a\":" + "[".repeat(30) + "]".repeat(30) + "}").statusCode())
                .isEqualTo(200);
    }

    // ------------------------------------------------------------------------------------------- item 14

    @Test
    void manyLargeBodiesOfTinyObjectsAreRefusedWhileTheServerStaysHealthy() throws Exception {
        // 8 MiB less a little: within the size limit, but 2.8 million tokens, far beyond the token limit.
        int size = 8 * 1024 * 1024 - 64;
        byte[] body = dev.conveyor.testkit.HostileBodies.tinyObjects(size);
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int n = 0; n < 64; n++) {
            inFlight.add(http.sendAsync(dev.conveyor.testkit.TestSigner.request("POST", URI.create(server.endpoint() + "/"),
                    java.util.Map.of("X-Amz-Target", "CodePipeline_20150709.ListPipelines", "Content-Type", "application/x-amz-json-1.1"),
                    body, "codepipeline").build(), HttpResponse.BodyHandlers.ofString()));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new));
        int healthChecks = 0;
        do {
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(server.endpoint() + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            healthChecks++;
        } while (!all.isDone() || healthChecks < 3);
        for (CompletableFuture<HttpResponse<String>> future : inFlight) {
            HttpResponse<String> response = future.get(5, TimeUnit.MINUTES);
            assertThat(response.statusCode()).isEqualTo(400);
            JsonNode error = JSON.readTree(response.body());
            assertThat(error.path("__type").asText()).isIn("SerializationException", "ThrottlingException");
            if ("SerializationException".equals(error.path("__type").asText())) {
                assertThat(error.path("message").asText()).contains("Token count");
            }
        }
        // The server still serves normal requests.
        assertThat(postJson("CodePipeline_20150709.ListPipelines", "{}").statusCode()).isEqualTo(200);
    }

    @Test
    void aJsonBodyDeclaredLargerThanTheLimitIsRefusedBeforeItIsSent() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.server().port())) {
            socket.setSoTimeout(60_000);
            // Headers only: the server must answer without waiting for 100 MB that never come.
            write(socket, "POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: CodePipeline_20150709.ListPipelines\r\n"
                    + "Content-Type: application/x-amz-json-1.1\r\nContent-Length: 104857600\r\n\r\n");
            RawResponse response = RawResponse.read(socket.getInputStream());
            assertThat(response.status()).isEqualTo(400);
            JsonNode error = JSON.readTree(response.body());
            assertThat(error.path("__type").asText()).isEqualTo("SerializationException");
            assertThat(error.path("message").asText()).contains("larger than the limit of 8388608 bytes");
        }
    }

    // ------------------------------------------------------------------------------------------- item 17

    @Test
    void anAnonymousCurlPutWithCurlsDefaultFormContentTypeStoresTheBodyAsTheObject() throws Exception {
        try (S3Client s3 = ServerFixture.sdkClient(S3Client.builder().forcePathStyle(true), server.endpoint())) {
            s3.createBucket(b -> b.bucket("form-bodies"));
            String url = server.endpoint() + "/form-bodies/greeting.txt";
            // curl -d sends Content-Type: application/x-www-form-urlencoded, as the user did; signed by curl itself.
            Process put = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT",
                    "--aws-sigv4", "aws:amz:us-east-1:s3", "--user", TestCredentials.ACCESS_KEY_ID + ":" + TestCredentials.SECRET_ACCESS_KEY,
                    "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD", "-d", "name=Ada&lang=en", url).redirectErrorStream(true).start();
            assertThat(new String(put.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("200");
            assertThat(put.waitFor()).isZero();
            assertThat(s3.getObjectAsBytes(b -> b.bucket("form-bodies").key("greeting.txt")).asUtf8String()).isEqualTo("name=Ada&lang=en");
        }
    }

    // ------------------------------------------------------------------------------------------- item 18

    @Test
    void logOffsetsThatAreNotByteCountsAre400() throws Exception {
        String action = "/conveyor/v1/logs/" + java.util.UUID.randomUUID() + "?offset=";
        String build = "/conveyor/v1/builds/" + "nope:1234" + "/log?offset=";
        for (String path : List.of(action, build)) {
            for (String offset : List.of("abc", "-1", "99999999999999999999", "9223372036854775808", "1e3")) {
                HttpResponse<String> response = get(path + offset);
                assertThat(response.statusCode()).as(path + offset).isEqualTo(400);
                assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
                assertThat(JSON.readTree(response.body()).path("message").asText()).contains("offset").contains(offset);
            }
            // A valid offset goes on to the lookup: nothing there, a JSON 404.
            HttpResponse<String> missing = get(path + "9223372036854775807");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(missing.body()).path("message").asText()).startsWith("No ");
        }
    }

    // ------------------------------------------------------------------------------------------- item 19

    @Test
    void requestsJettyRejectsGetTheProtocolsErrorNotAnHtmlPage() throws Exception {
        // A bad % escape in the path, on the S3 surface: S3's XML error.
        RawResponse badEscape = raw("GET /bucket/%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(badEscape.status()).isEqualTo(400);
        assertThat(badEscape.header("content-type")).startsWith("application/xml");
        assertThat(badEscape.body()).contains("<Error>").contains("<Code>").doesNotContain("<html").doesNotContain("Exception");

        // A header section too large: S3's XML error, with S3's code.
        RawResponse hugeHeader = raw("GET /bucket/key HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n");
        assertThat(hugeHeader.status()).isEqualTo(431);
        assertThat(hugeHeader.body()).contains("<Code>RequestHeaderSectionTooLarge</Code>").doesNotContain("<html");

        // An unknown method: S3's MethodNotAllowed.
        RawResponse unknownMethod = raw("BREW /bucket/key HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(unknownMethod.status()).as("unsigned, so refused before the method matters").isIn(400, 403, 405, 501);
        assertThat(unknownMethod.body()).contains("<Error>").doesNotContain("<html");

        // A broken chunked body under an AWS JSON request (found once its headers are known): the AWS JSON error.
        RawResponse badChunk = raw("POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: CodePipeline_20150709.ListPipelines\r\n"
                + "Content-Type: application/x-amz-json-1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
        assertThat(badChunk.status()).isEqualTo(400);
        assertThat(badChunk.header("content-type")).startsWith("application/x-amz-json-1.1");
        assertThat(JSON.readTree(badChunk.body()).path("__type").asText()).isEqualTo("SerializationException");

        // JGit's 404 for an unknown repository: to a git client, git's own error; otherwise JSON, never Jetty's page.
        // (asked with credentials: without, git over HTTP is a 401, see GitAccessTest)
        HttpResponse<String> noRepoForGit = gitGet("/v1/repos/no-such-repo/info/refs?service=git-upload-pack");
        assertThat(noRepoForGit.statusCode()).isEqualTo(404);
        assertThat(noRepoForGit.body()).doesNotContain("<html");
        HttpResponse<String> noRepo = gitGet("/v1/repos/no-such-repo/HEAD");
        assertThat(noRepo.statusCode()).isEqualTo(404);
        assertThat(noRepo.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(JSON.readTree(noRepo.body()).path("message").asText()).isEqualTo("Git repository not found");
    }

    @Test
    void s3ErrorsNameTheResourceWithOneLeadingSlash() throws Exception {
        HttpResponse<String> missing = get("/no-such-bucket/some/key.txt");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("<Resource>/no-such-bucket</Resource>");
        // An error the protocol itself raises names the resource as the request did, with one slash.
        HttpResponse<String> unsupported = get("/no-such-bucket/some/key.txt?torrent");
        assertThat(unsupported.statusCode()).isEqualTo(501);
        assertThat(unsupported.body()).contains("<Resource>/no-such-bucket/some/key.txt</Resource>");
        try (S3Client s3 = ServerFixture.sdkClient(S3Client.builder().forcePathStyle(true), server.endpoint())) {
            s3.createBucket(b -> b.bucket("resources"));
        }
        HttpResponse<String> noKey = get("/resources/missing.txt");
        assertThat(noKey.statusCode()).isEqualTo(404);
        assertThat(noKey.body()).contains("<Resource>/resources/missing.txt</Resource>").doesNotContain("//resources");
    }

    // ------------------------------------------------------------------------------------------- item 20

    @Test
    void aTricklingJsonBodyIsEndedWithRequestTimeout() throws Exception {
        RawResponse response = trickle("POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: CodePipeline_20150709.ListPipelines\r\n"
                + "Content-Type: application/x-amz-json-1.1\r\nContent-Length: 100000\r\n\r\n{\"a\":\"");
        assertThat(response.status()).isEqualTo(408);
        assertThat(JSON.readTree(response.body()).path("__type").asText()).isEqualTo("RequestTimeoutException");
    }

    @Test
    void aTricklingS3UploadIsEndedWithS3sRequestTimeout() throws Exception {
        try (S3Client s3 = ServerFixture.sdkClient(S3Client.builder().forcePathStyle(true), server.endpoint())) {
            s3.createBucket(b -> b.bucket("slow-uploads"));
        }
        URI uri = URI.create("http://127.0.0.1:" + server.server().port() + "/slow-uploads/slow.bin");
        StringBuilder signed = new StringBuilder();
        dev.conveyor.testkit.TestSigner.admin().sign("PUT", uri, Map.of("x-amz-content-sha256", "UNSIGNED-PAYLOAD"), null, "s3")
                .forEach((name, value) -> signed.append(name).append(": ").append(value).append("\r\n"));
        RawResponse response = trickle("PUT /slow-uploads/slow.bin HTTP/1.1\r\nHost: 127.0.0.1:" + server.server().port()
                + "\r\nx-amz-content-sha256: UNSIGNED-PAYLOAD\r\n" + signed + "Content-Length: 100000\r\n\r\n");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains("<Code>RequestTimeout</Code>");
    }

    @Test
    void aPushLargerThanTheLargestArtifactIsRefusedAndChangesNothing() throws Exception {
        Path dataDir = Files.createTempDirectory(work, "data");
        ServerConfig config = ServerConfig.embedded(dataDir, 0).withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY)).withArtifacts(new ServerConfig.ArtifactSettings(null, 256 * 1024,
                dev.conveyor.artifacts.RetentionPolicy.KEEP_ALL, java.time.Duration.ofHours(1)));
        try (ConveyorServer small = new ConveyorServer(config).start()) {
            String url = AdministratorKey.of(dataDir).inUrl(small.endpoint() + "/v1/repos/limited");
            GitWorkTree tree = GitWorkTree.init(work.resolve("tree"), "main");
            tree.write("README.md", "small\n");
            tree.commit("small");
            tree.push(url, "main");

            byte[] random = new byte[1024 * 1024]; // random: git cannot compress it below the limit
            new Random(13).nextBytes(random);
            Files.write(tree.dir().resolve("big.bin"), random);
            String big = tree.commit("big");
            GitWorkTree.Result refused = GitWorkTree.run(tree.dir(), "push", url, "main");
            assertThat(refused.exit()).isNotZero();
            assertThat(refused.output().toLowerCase(Locale.ROOT)).contains("limit");
            GitWorkTree.Result remote = GitWorkTree.run(tree.dir(), "ls-remote", url, "refs/heads/main");
            assertThat(remote.output()).doesNotContain(big);
        }
    }

    // ------------------------------------------------------------------------------------------- helpers

    /** Sends {@code head}, then one byte every 200 ms until the server answers; returns the answer. */
    private RawResponse trickle(String head) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.server().port())) {
            socket.setSoTimeout(60_000);
            write(socket, head);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    while (!Thread.currentThread().isInterrupted()) {
                        out.write('x');
                        out.flush();
                        Thread.sleep(200); // the slowness under test, not a wait for a condition
                    }
                } catch (IOException | InterruptedException e) {
                    // the server ended the request (or the test did): stop
                }
            });
            try {
                return RawResponse.read(socket.getInputStream());
            } finally {
                writer.interrupt();
            }
        }
    }

    private RawResponse raw(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.server().port())) {
            socket.setSoTimeout(60_000);
            write(socket, request);
            return RawResponse.read(socket.getInputStream());
        }
    }

    private static void write(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    private static HttpResponse<String> postJson(String target, String body) throws Exception {
        return http.send(dev.conveyor.testkit.TestSigner.json(URI.create(server.endpoint() + "/"), target, body).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A GET signed with the test key: for S3, or for the log endpoints under /conveyor/ (git ignores the signature). */
    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(dev.conveyor.testkit.TestSigner.request("GET", URI.create(server.endpoint() + path), Map.of(), null,
                path.startsWith("/conveyor/") ? "logs" : "s3").build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> gitGet(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.endpoint() + path))
                .header("Authorization", AdministratorKey.of(server.dataDir()).basicAuthorization()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An HTTP/1.1 response read off a socket: status line, headers, and a Content-Length body (or up to close). */
    private record RawResponse(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.getOrDefault(name, "");
        }

        static RawResponse read(InputStream in) throws IOException {
            String statusLine = line(in);
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = line(in); !line.isEmpty(); line = line(in)) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            byte[] body = headers.containsKey("content-length")
                    ? in.readNBytes(Integer.parseInt(headers.get("content-length"))) : in.readAllBytes();
            return new RawResponse(status, headers, new String(body, StandardCharsets.UTF_8));
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("the connection closed mid-response: " + out);
                }
                if (b != '\r') {
                    out.write(b);
                }
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
