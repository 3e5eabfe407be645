package dev.conveyor.server.tls;

import dev.conveyor.testkit.TestCredentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.server.ConveyorServer;
import dev.conveyor.server.ServerConfig;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * HTTPS with the AWS SDK for Java v2 as the client: the self-signed certificate made on first start (kept across
 * restarts, its key owner-only), PEM files given as --tls-cert/--tls-key, HTTP turned off, SSE-KMS uploads to the S3
 * endpoint over HTTPS, and a client that trusts another authority failing the handshake.
 */
class HttpsListenerTest {
    @Test
    void selfSignedCertificateServesSdkClientsAndStaysAcrossRestarts() throws Exception {
        Path dataDir = Files.createTempDirectory("conveyor-tls-");
        ServerConfig config = ServerConfig.embedded(dataDir, 0).withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY)).withTls(new ServerConfig.TlsSettings(null, null, true, 0, false));
        String fingerprint;
        try (ConveyorServer server = new ConveyorServer(config).start()) {
            assertThat(server.endpoint()).startsWith("https://127.0.0.1:").isEqualTo(server.httpsEndpoint());
            Path caBundle = server.caBundle();
            assertThat(caBundle).isEqualTo(dataDir.resolve("tls/ca.pem"));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("tls/server-key.pem"))))
                    .isEqualTo("rw-------");
            fingerprint = SelfSignedCertificate.fingerprint(PemKeyStores.certificates(dataDir.resolve("tls/server.pem")).get(0));

            try (CodePipelineClient codePipeline = CodePipelineClient.builder().endpointOverride(URI.create(server.endpoint()))
                    .region(Region.US_EAST_1).credentialsProvider(anyCredentials()).httpClient(trusting(caBundle)).build()) {
                assertThat(codePipeline.listPipelines().pipelines()).isEmpty();
            }
            try (S3Client s3 = S3Client.builder().endpointOverride(URI.create(server.endpoint())).forcePathStyle(true)
                    .region(Region.US_EAST_1).credentialsProvider(anyCredentials()).httpClient(trusting(caBundle)).build()) {
                s3.createBucket(b -> b.bucket("secure-bucket"));
                var put = s3.putObject(b -> b.bucket("secure-bucket").key("app.zip").serverSideEncryption(ServerSideEncryption.AWS_KMS)
                        .ssekmsKeyId("alias/aws/s3"), RequestBody.fromString("over https"));
                assertThat(put.serverSideEncryption()).isEqualTo(ServerSideEncryption.AWS_KMS);
                try (InputStream in = s3.getObject(b -> b.bucket("secure-bucket").key("app.zip"))) {
                    assertThat(new String(in.readAllBytes())).isEqualTo("over https");
                }
            }

            // A client trusting another authority does not get through the handshake.
            Path otherCa = SelfSignedCertificate.ensure(Files.createTempDirectory("other-ca-"), "127.0.0.1", Clock.systemUTC()).caBundle();
            try (CodePipelineClient stranger = CodePipelineClient.builder().endpointOverride(URI.create(server.endpoint()))
                    .region(Region.US_EAST_1).credentialsProvider(anyCredentials()).httpClient(trusting(otherCa)).build()) {
                assertThatThrownBy(stranger::listPipelines).isInstanceOf(SdkClientException.class)
                        .satisfies(e -> assertThat(causes(e)).anyMatch(SSLHandshakeException.class::isInstance));
            }
        }
        // The same certificate after a restart: clients that trust it keep working.
        try (ConveyorServer server = new ConveyorServer(config).start()) {
            assertThat(SelfSignedCertificate.fingerprint(PemKeyStores.certificates(dataDir.resolve("tls/server.pem")).get(0)))
                    .isEqualTo(fingerprint);
            HttpResponse<String> health = jdkClient(server.caBundle()).send(HttpRequest.newBuilder(URI.create(server.endpoint() + "/healthz"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void pemFilesServeHttpsBesideHttp() throws Exception {
        Path pems = Files.createTempDirectory("pems-");
        SelfSignedCertificate.Files issued = SelfSignedCertificate.ensure(pems, "127.0.0.1", Clock.systemUTC());
        Path dataDir = Files.createTempDirectory("conveyor-tls-");
        ServerConfig config = ServerConfig.embedded(dataDir, 0).withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY))
                .withTls(new ServerConfig.TlsSettings(issued.certificate(), issued.key(), false, 0, true));
        try (ConveyorServer server = new ConveyorServer(config).start()) {
            assertThat(server.endpoint()).startsWith("http://");
            assertThat(server.httpsEndpoint()).startsWith("https://").isNotEqualTo(server.endpoint());
            assertThat(server.caBundle()).as("no certificate made when one is given").isNull();
            assertThat(dataDir.resolve("tls")).doesNotExist();
            HttpClient client = jdkClient(issued.caBundle());
            for (String endpoint : new String[] {server.endpoint(), server.httpsEndpoint()}) {
                assertThat(client.send(HttpRequest.newBuilder(URI.create(endpoint + "/healthz")).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode()).isEqualTo(200);
            }
            // HTTPS is not served on the HTTP port.
            assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOfAny(javax.net.ssl.SSLException.class, java.io.IOException.class)
                    .isNotInstanceOf(ConnectException.class);
        }
    }

    /** Keys as openssl and certbot write them: PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) and SEC1 EC ({@code BEGIN EC PRIVATE KEY}). */
    @Test
    void opensslKeysInTheirTraditionalFormsAreServed() throws Exception {
        Path dir = Files.createTempDirectory("openssl-");
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "rsa-pkcs8.pem", "-out", "rsa.pem", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1");
        openssl(dir, "rsa", "-in", "rsa-pkcs8.pem", "-traditional", "-out", "rsa-key.pem");
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ec-pkcs8.pem",
                "-out", "ec.pem", "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1");
        openssl(dir, "ec", "-in", "ec-pkcs8.pem", "-out", "ec-key.pem");
        assertThat(Files.readString(dir.resolve("rsa-key.pem"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(Files.readString(dir.resolve("ec-key.pem"))).startsWith("-----BEGIN EC PRIVATE KEY-----");
        for (String kind : new String[] {"rsa", "ec"}) {
            ServerConfig config = ServerConfig.embedded(Files.createTempDirectory("conveyor-tls-"), 0).withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY))
                    .withTls(new ServerConfig.TlsSettings(dir.resolve(kind + ".pem"), dir.resolve(kind + "-key.pem"), false, 0, false));
            try (ConveyorServer server = new ConveyorServer(config).start()) {
                HttpResponse<String> health = jdkClient(dir.resolve(kind + ".pem")).send(
                        HttpRequest.newBuilder(URI.create(server.endpoint() + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).as(kind).isEqualTo(200);
            }
        }
    }

    private static void openssl(Path dir, String... args) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("openssl"));
        command.addAll(java.util.List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as("openssl " + String.join(" ", args) + ": " + output).isZero();
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedNamingTheFlag() throws Exception {
        SelfSignedCertificate.Files one = SelfSignedCertificate.ensure(Files.createTempDirectory("one-"), "127.0.0.1", Clock.systemUTC());
        SelfSignedCertificate.Files two = SelfSignedCertificate.ensure(Files.createTempDirectory("two-"), "127.0.0.1", Clock.systemUTC());
        assertThatThrownBy(() -> PemKeyStores.load(one.certificate(), two.key())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--tls-key").hasMessageContaining("is not the key of the first certificate");
        assertThatThrownBy(() -> PemKeyStores.load(one.key(), one.key())).hasMessageContaining("--tls-cert")
                .hasMessageContaining("holds no PEM certificate");
        assertThatThrownBy(() -> new ServerConfig.TlsSettings(null, null, false, 0, false))
                .hasMessageContaining("HTTP can be turned off only with HTTPS on");
        assertThatThrownBy(() -> new ServerConfig.TlsSettings(one.certificate(), null, false, 0, true))
                .hasMessageContaining("--tls-cert and --tls-key go together");
    }

    private static java.util.List<Throwable> causes(Throwable e) {
        java.util.List<Throwable> out = new java.util.ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            out.add(t);
        }
        return out;
    }

    private static StaticCredentialsProvider anyCredentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY));
    }

    private static TrustManager[] trustManagers(Path caBundle) throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(caBundle)) {
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("ca-" + i++, certificate);
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        return factory.getTrustManagers();
    }

    private static software.amazon.awssdk.http.SdkHttpClient trusting(Path caBundle) throws Exception {
        TrustManager[] managers = trustManagers(caBundle);
        return UrlConnectionHttpClient.builder().tlsTrustManagersProvider(() -> managers).build();
    }

    private static HttpClient jdkClient(Path caBundle) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers(caBundle), null);
        return HttpClient.newBuilder().sslContext(context).build();
    }
}
