package dev.conveyor.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.conveyor.artifacts.ArtifactPlacement;
import dev.conveyor.artifacts.S3Location;
import dev.conveyor.artifacts.StoredArtifact;
import dev.conveyor.model.pipeline.ActionTypeId;
import dev.conveyor.model.json.ConveyorJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A remote agent's artifact transfers over a real HTTP connection to an endpoint that cuts some of them, as a replica
 * killed behind the load balancer does (ScaleOutTest's "Unexpected end of file from server"): the real S3 client
 * against a small server speaking the agent API's poll and the S3 object GET and PUT.
 */
class RemoteArtifactStoreTest {
    private static final String BUCKET = "artifacts";
    private static final String INPUT_KEY = "pipe/SourceArti/in.zip";
    private static final String OUTPUT_KEY = "pipe/BuildArtif/out.zip";
    private static final byte[] INPUT = "the source artifact's bytes, long enough to be cut halfway".repeat(200)
            .getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private HttpServer server;
    private HttpJobChannel channel;
    private RemoteArtifactStore store;
    /** How many of the next GETs and PUTs are cut, and how: before the answer, or halfway through the body. */
    private final AtomicInteger getsToCut = new AtomicInteger();
    private final AtomicInteger putsToCut = new AtomicInteger();
    private volatile boolean cutBodyHalfway;
    /** Requests the load balancer in front cuts once it has read their headers, as when the replica dies then. */
    private final AtomicInteger requestsToCutAtHeaders = new AtomicInteger();
    private final AtomicInteger cut = new AtomicInteger();
    private ServerSocket front;
    private final AtomicInteger gets = new AtomicInteger();
    private final AtomicInteger puts = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
        front = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::balance);
        URI endpoint = URI.create("http://127.0.0.1:" + front.getLocalPort());
        channel = new HttpJobChannel(new AgentApiClient(endpoint, CaBundle.system(), new RequestSigner(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDAGENT", "agent-secret")), "us-east-1")));
        store = new RemoteArtifactStore(channel, endpoint, "us-east-1", CaBundle.system());
        assertThat(channel.poll(List.of(new ActionTypeId("Build", "AWS", "CodeBuild", "1")), Set.of(), 1, "agent-1", Duration.ofSeconds(1)))
                .hasSize(1);
    }

    @AfterEach
    void stop() throws IOException {
        front.close();
        channel.close();
        server.stop(0);
    }

    @Test
    void anOutputWhoseAnswerWasCutIsUploadedAgainAndTheAnsweringVersionKept() throws Exception {
        putsToCut.set(1);
        Path zip = Files.write(dir.resolve("out.zip"), "built".getBytes(StandardCharsets.UTF_8));

        StoredArtifact stored = store.putArtifact(placement(), zip);

        assertThat(puts).as("PUTs received: the cut one and the answered one").hasValue(2);
        assertThat(stored.location()).isEqualTo(new S3Location(BUCKET, OUTPUT_KEY, "version-2"));
        assertThat(stored.size()).isEqualTo(5);
    }

    @Test
    void anOutputWhoseConnectionDiesBeforeItsBodyIsSentIsUploadedAgain() throws Exception {
        // The S3 client asks "Expect: 100-continue" and waits for the go-ahead before the body: a connection closed
        // then fails outside the SDK's own retries (the failure ScaleOutTest met).
        requestsToCutAtHeaders.set(1);
        Path zip = Files.write(dir.resolve("out.zip"), "built".getBytes(StandardCharsets.UTF_8));

        StoredArtifact stored = store.putArtifact(placement(), zip);

        assertThat(puts).as("PUTs that reached the server").hasValue(1);
        assertThat(stored.location().versionId()).isEqualTo("version-1");
    }

    @Test
    void anInputCutBeforeItsAnswerIsDownloadedAgain() throws Exception {
        getsToCut.set(2);
        Path target = dir.resolve("in.zip");

        store.copyArtifact(new S3Location(BUCKET, INPUT_KEY, null), target);

        assertThat(gets).hasValue(3);
        assertThat(Files.readAllBytes(target)).isEqualTo(INPUT);
    }

    @Test
    void anInputCutHalfwayThroughItsBodyIsDownloadedAgainWhole() throws Exception {
        cutBodyHalfway = true;
        getsToCut.set(1);
        Path target = dir.resolve("in.zip");

        store.copyArtifact(new S3Location(BUCKET, INPUT_KEY, null), target);

        assertThat(gets).hasValue(2);
        assertThat(Files.readAllBytes(target)).isEqualTo(INPUT);
    }

    @Test
    void aTransferCutEveryTimeFailsAfterItsAttempts() {
        requestsToCutAtHeaders.set(Integer.MAX_VALUE);
        assertThatThrownBy(() -> store.putArtifact(placement(), Files.write(dir.resolve("out.zip"), new byte[] {1, 2, 3})))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("Unexpected end of file from server");
        assertThat(cut).as("requests cut").hasValue(RemoteArtifactStore.TRANSFER_ATTEMPTS);
        assertThat(puts).hasValue(0);
    }

    /**
     * The load balancer: passes each connection through to the server, but closes one whose request is to be cut once
     * it has read the request's headers.
     */
    private void balance() {
        while (!front.isClosed()) {
            try {
                Socket client = front.accept();
                Thread.ofVirtual().start(() -> pass(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pass(Socket client) {
        try (client; Socket backend = new Socket(InetAddress.getLoopbackAddress(), server.getAddress().getPort())) {
            InputStream in = client.getInputStream();
            OutputStream toBackend = backend.getOutputStream();
            Thread back = Thread.ofVirtual().start(() -> {
                try {
                    backend.getInputStream().transferTo(client.getOutputStream());
                } catch (IOException e) {
                    // either side closed
                } finally {
                    close(client);
                }
            });
            // Requests on this connection, one by one: the headers, then whatever follows until the next request.
            ByteArrayOutputStream headers = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                headers.write(b);
                if (headers.size() >= 4 && endsWithBlankLine(headers.toByteArray())) {
                    if (requestsToCutAtHeaders.getAndDecrement() > 0) {
                        cut.incrementAndGet();
                        return; // both closed: the replica died
                    }
                    toBackend.write(headers.toByteArray());
                    toBackend.flush();
                    // The rest of the connection is passed through as is (these tests cut at most a first request).
                    in.transferTo(toBackend);
                    break;
                }
            }
            backend.shutdownOutput();
            back.join();
        } catch (IOException | InterruptedException e) {
            // a side closed
        }
    }

    private static boolean endsWithBlankLine(byte[] b) {
        int n = b.length;
        return b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n';
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private static ArtifactPlacement placement() {
        return new ArtifactPlacement(BUCKET, null, "pipe", "BuildArtifact", "execution-1", "Build", "Build", "action-1");
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (exchange.getRequestMethod().equals("POST") && path.equals("/")) {
            exchange.getRequestBody().readAllBytes();
            answer(exchange, 200, ConveyorJson.mapper().writeValueAsBytes(pollAnswer()));
        } else if (exchange.getRequestMethod().equals("PUT") && path.equals("/" + BUCKET + "/" + OUTPUT_KEY)) {
            exchange.getRequestBody().readAllBytes();
            int n = puts.incrementAndGet();
            if (putsToCut.getAndDecrement() > 0) {
                throw new IllegalStateException("cut: the replica died before answering"); // the server drops the connection
            }
            exchange.getResponseHeaders().add("ETag", "\"etag\"");
            exchange.getResponseHeaders().add("x-amz-version-id", "version-" + n);
            answer(exchange, 200, new byte[0]);
        } else if (exchange.getRequestMethod().equals("GET") && path.equals("/" + BUCKET + "/" + INPUT_KEY)) {
            gets.incrementAndGet();
            boolean cut = getsToCut.getAndDecrement() > 0;
            if (cut && !cutBodyHalfway) {
                throw new IllegalStateException("cut: the replica died before answering");
            }
            exchange.getResponseHeaders().add("Content-Type", "application/zip");
            exchange.sendResponseHeaders(200, INPUT.length);
            try (OutputStream out = exchange.getResponseBody()) {
                if (cut) {
                    out.write(INPUT, 0, INPUT.length / 2);
                    out.flush();
                    throw new IllegalStateException("cut: the replica died halfway through the body");
                }
                out.write(INPUT);
            }
        } else {
            answer(exchange, 404, new byte[0]);
        }
    }

    private static ObjectNode pollAnswer() {
        ObjectNode data = ConveyorJson.mapper().createObjectNode();
        ObjectNode jobData = data.putObject("jobData");
        jobData.putObject("pipelineContext").putObject("action").put("actionExecutionId", "action-1");
        jobData.putArray("inputArtifacts").addObject().put("name", "SourceArtifact").putObject("location").putObject("s3Location")
                .put("bucketName", BUCKET).put("objectKey", INPUT_KEY);
        jobData.putArray("outputArtifacts").addObject().put("name", "BuildArtifact").putObject("location").putObject("s3Location")
                .put("bucketName", BUCKET).put("objectKey", OUTPUT_KEY);
        ObjectNode answer = ConveyorJson.mapper().createObjectNode();
        ObjectNode job = answer.putArray("jobs").addObject().put("jobId", "job-1").put("nonce", "1").put("data", data.toString());
        job.putObject("actionTypeId").put("category", "Build").put("owner", "AWS").put("provider", "CodeBuild").put("version", "1");
        job.putObject("artifactCredentials").put("accessKeyId", "AKIDJOB").put("secretAccessKey", "secret").put("sessionToken", "token");
        return answer;
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
