package dev.conveyor.cli.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
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

    @Option(names = "--profile", paramLabel = "PROFILE", description = "The AWS profile to sign with (default: $AWS_PROFILE; without "
            + "one, the standard chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, the default profile, …; and last the "
            + "administrator's profile in ~/.conveyor/admin-credentials when this user can read it).")
    String profile;

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

    /** An IAM client for the server's identities (agents' users); the caller closes it. */
    public software.amazon.awssdk.services.iam.IamClient iam() {
        return builder(software.amazon.awssdk.services.iam.IamClient.builder()).region(Region.AWS_GLOBAL).build();
    }

    /** A CloudTrail client for the server's audit trail; the caller closes it. */
    public software.amazon.awssdk.services.cloudtrail.CloudTrailClient cloudTrail() {
        return build(software.amazon.awssdk.services.cloudtrail.CloudTrailClient.builder());
    }

    /** Any of the SDK's clients, pointed at the server and signed for the region, over the JDK's HTTP client. */
    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder) {
        return builder(builder).region(Region.of(region)).build();
    }

    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B builder(B builder) {
        return builder
                .endpointOverride(endpoint())
                .credentialsProvider(credentials())
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(CONNECT_TIMEOUT).socketTimeout(Duration.ofMinutes(1))
                        .tlsTrustManagersProvider(trust()::trustManagers));
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
        return new ActionLogs(endpoint(), HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).sslContext(trust().sslContext()).build(),
                new dev.conveyor.agent.RequestSigner(credentials(), region));
    }

    /**
     * Credentials as every AWS tool finds them (--profile, else the SDK's default chain: environment, AWS_PROFILE, the
     * shared credentials file…), and last, for a server on this machine started with the default data dir, the
     * administrator's profile the server wrote to {@code ~/.conveyor/admin-credentials} (readable by its owner only).
     */
    public AwsCredentialsProvider credentials() {
        if (profile != null) {
            return software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider.builder().profileName(profile).build();
        }
        java.nio.file.Path admin = java.nio.file.Path.of(System.getProperty("user.home"), ".conveyor", "admin-credentials");
        var chain = AwsCredentialsProviderChain.builder().reuseLastProviderEnabled(true);
        if (java.nio.file.Files.isReadable(admin)) {
            chain.credentialsProviders(DefaultCredentialsProvider.builder().build(),
                    software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider.builder().profileName("conveyor-admin")
                            .profileFile(software.amazon.awssdk.profiles.ProfileFile.builder().content(admin)
                                    .type(software.amazon.awssdk.profiles.ProfileFile.Type.CREDENTIALS).build()).build());
        } else {
            chain.credentialsProviders(DefaultCredentialsProvider.builder().build());
        }
        return chain.build();
    }
}
