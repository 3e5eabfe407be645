package dev.conveyor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.testkit.TestSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** Secure by default: authentication is on unless turned off, and off only on loopback; the administrator's key is the operator's. */
class AuthModesTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void authenticationOffIsRefusedOnANonLoopbackAddressAndOpenOnLoopback() throws Exception {
        Path dataDir = Files.createTempDirectory("conveyor-noauth-");
        ServerConfig open = new ServerConfig("0.0.0.0", 0, dataDir, null, ServerConfig.DEFAULT_REGION, ServerConfig.DEFAULT_ACCOUNT_ID,
                ServerConfig.EngineSettings.defaults(), ServerConfig.ArtifactSettings.defaults(), ServerConfig.SourceSettings.defaults(),
                ServerConfig.TlsSettings.off(), ServerConfig.AuthSettings.none());
        assertThatThrownBy(() -> new ConveyorServer(open).start()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("--auth none is refused with --bind 0.0.0.0");

        try (ConveyorServer local = new ConveyorServer(ServerConfig.embedded(dataDir, 0).withAuth(ServerConfig.AuthSettings.none())).start()) {
            HttpResponse<String> unsigned = HTTP.send(HttpRequest.newBuilder(URI.create(local.endpoint() + "/"))
                    .header("X-Amz-Target", "CodePipeline_20150709.ListPipelines").header("Content-Type", "application/x-amz-json-1.1")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(unsigned.statusCode()).as("--auth none keeps the open mode").isEqualTo(200);
        }
    }

    @Test
    void theConfiguredAdministratorKeyIsWrittenAndAChangedSecretReplacesTheOldOne() throws Exception {
        Path dataDir = Files.createTempDirectory("conveyor-admin-");
        ServerConfig base = ServerConfig.embedded(dataDir, 0);
        try (ConveyorServer server = new ConveyorServer(base.withAuth(ServerConfig.AuthSettings.administrator("ROOTKEYEXAMPLE", "first-secret-1"))).start()) {
            Path file = dataDir.resolve("admin-credentials");
            assertThat(Files.readString(file)).contains("aws_access_key_id = ROOTKEYEXAMPLE").contains("aws_secret_access_key = first-secret-1");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(listPipelines(server, new TestSigner("ROOTKEYEXAMPLE", "first-secret-1", "us-east-1")).statusCode()).isEqualTo(200);
        }
        try (ConveyorServer server = new ConveyorServer(base.withAuth(ServerConfig.AuthSettings.administrator("ROOTKEYEXAMPLE", "second-secret-2"))).start()) {
            assertThat(Files.readString(dataDir.resolve("admin-credentials"))).contains("aws_secret_access_key = second-secret-2");
            assertThat(listPipelines(server, new TestSigner("ROOTKEYEXAMPLE", "second-secret-2", "us-east-1")).statusCode()).isEqualTo(200);
            HttpResponse<String> old = listPipelines(server, new TestSigner("ROOTKEYEXAMPLE", "first-secret-1", "us-east-1"));
            assertThat(old.statusCode()).isEqualTo(400);
            assertThat(old.body()).contains("InvalidSignatureException");
        }
        assertThatThrownBy(() -> ServerConfig.AuthSettings.administrator("ROOTKEYEXAMPLE", "short")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("8 to 128");
    }

    private static HttpResponse<String> listPipelines(ConveyorServer server, TestSigner signer) throws Exception {
        URI uri = URI.create(server.endpoint() + "/");
        java.util.Map<String, String> headers = java.util.Map.of("X-Amz-Target", "CodePipeline_20150709.ListPipelines",
                "Content-Type", "application/x-amz-json-1.1");
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("{}"));
        headers.forEach(request::header);
        signer.sign("POST", uri, headers, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8), "codepipeline").forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
