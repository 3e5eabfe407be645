package dev.conveyor.cli.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import picocli.CommandLine.Option;

/**
 * The options every client command takes (where the server is, which region to sign for) and the clients built
 * from them. A picocli mixin: a command declares {@code @Mixin ClientOptions client}.
 */
public final class ClientOptions {
    public static final String DEFAULT_ENDPOINT = "http://127.0.0.1:8420";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    @Option(names = "--endpoint", paramLabel = "URL", defaultValue = "${env:CONVEYOR_ENDPOINT:-" + DEFAULT_ENDPOINT + "}",
            description = "The Conveyor server (default: $CONVEYOR_ENDPOINT, else " + DEFAULT_ENDPOINT + ").")
    String endpoint;

    @Option(names = "--region", paramLabel = "REGION", defaultValue = "us-east-1", description = "The region requests are signed for (default: ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--ca-bundle", paramLabel = "PEM", description = "Certificate authorities to trust for an https:// endpoint "
            + "(default: $AWS_CA_BUNDLE, else the system's), e.g. the server's <data-dir>/tls/ca.pem.")
    java.nio.file.Path caBundle;

    /** The authorities HTTPS is checked against, as the AWS CLI finds them. */
    public dev.conveyor.agent.CaBundle trust() {
        try {
            return dev.conveyor.agent.CaBundle.resolve(caBundle);
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new CommandFailure("--ca-bundle: " + e.getMessage());
        }
    }

    /** The server's base URL, checked. */
    public URI endpoint() {
        String value = endpoint == null || endpoint.isBlank() ? DEFAULT_ENDPOINT : endpoint.strip();
        URI uri;
        try {
            uri = URI.create(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new CommandFailure("--endpoint must be a URL like " + DEFAULT_ENDPOINT + ", not '" + value + "'");
        }
        return uri;
    }

    /** What to add to a suggested command so it reaches the same server: nothing for the default endpoint. */
    public String endpointArgument() {
        String uri = endpoint().toString();
        return uri.equals(DEFAULT_ENDPOINT) ? "" : " --endpoint " + uri;
    }

    /** A CodePipeline client for the server; the caller closes it. */
    public CodePipelineClient codePipeline() {
        return build(CodePipelineClient.builder());
    }

    /** A Secrets Manager client for the server's secret store; the caller closes it. */
    public SecretsManagerClient secretsManager() {
        return build(SecretsManagerClient.builder());
    }

    /** A CloudTrail client for the server's audit trail; the caller closes it. */
    public software.amazon.awssdk.services.cloudtrail.CloudTrailClient cloudTrail() {
        return build(software.amazon.awssdk.services.cloudtrail.CloudTrailClient.builder());
    }

    /** Any of the SDK's clients, pointed at the server and signed for the region, over the JDK's HTTP client. */
    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder) {
        return builder
                .endpointOverride(endpoint())
                .region(Region.of(region))
                .credentialsProvider(credentials())
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(CONNECT_TIMEOUT).socketTimeout(Duration.ofMinutes(1))
                        .tlsTrustManagersProvider(trust()::trustManagers))
                .build();
    }

    /** The client of the server's action-log endpoint; the caller closes it. */
    /** The live event stream of an execution (SSE), for watchers that wake on changes. */
    ExecutionEvents executionEvents(String pipeline, String executionId) {
        return new ExecutionEvents(HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).sslContext(trust().sslContext()).build(),
                endpoint(), credentials(), region, pipeline, executionId);
    }

    /** A signed request to one of Conveyor's own endpoints ({@code path} below the endpoint). */
    java.net.http.HttpResponse<String> conveyorRequest(String method, String path) throws java.io.IOException, InterruptedException {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).sslContext(trust().sslContext()).build()) {
            return http.send(SignedRequests.signed(method, URI.create(endpoint() + path), credentials(), region).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        }
    }

    public ActionLogs actionLogs() {
        return new ActionLogs(endpoint(), HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).sslContext(trust().sslContext()).build());
    }

    /**
     * Credentials as every AWS tool finds them; when there are none (the usual case against Conveyor, which does not
     * check signatures yet) requests are signed with the local user name as the access key, so approvals and
     * transitions record who made them.
     */
    private static AwsCredentialsProvider credentials() {
        String user = System.getProperty("user.name", "");
        String accessKey = user.matches("[A-Za-z0-9._-]{1,64}") ? user : "conveyor";
        return AwsCredentialsProviderChain.builder()
                .credentialsProviders(DefaultCredentialsProvider.builder().build(),
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, "conveyor")))
                .reuseLastProviderEnabled(true)
                .build();
    }
}
