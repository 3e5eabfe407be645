package dev.conveyor.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.server.git.GitCredentials;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.Event;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttributeKey;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * Hosted git needs credentials (issue 14, item 6), shown with the stock git client over HTTP: refused without
 * credentials or with wrong ones (401 and {@code WWW-Authenticate: Basic}), allowed with HTTP Basic (access key id and
 * secret) and with the AWS CLI's {@code aws codecommit credential-helper} (SigV4-derived passwords, temporary
 * credentials included), and denied (403) to a user whose policy allows GitPull but not GitPush; refusals are in the
 * audit trail.
 */
class GitAccessTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ServerFixture fixture;
    private static AdministratorKey admin;

    @TempDir
    Path work;

    @BeforeAll
    static void start() {
        fixture = new ServerFixture("h2");
        admin = AdministratorKey.of(fixture.dataDir());
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static String url(String repository) {
        return fixture.endpoint() + "/v1/repos/" + repository;
    }

    private static IamClient iam() {
        return IamClient.builder().endpointOverride(URI.create(fixture.endpoint())).region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(admin.accessKeyId(), admin.secretAccessKey())))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** Runs git with only the given extra configuration and environment (no user or system configuration, no prompts). */
    private static GitWorkTree.Result git(Path dir, Map<String, String> env, List<String> config, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=Ada", "-c", "user.email=ada@example.com"));
        for (String c : config) {
            command.add("-c");
            command.add(c);
        }
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        builder.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        builder.environment().put("GIT_TERMINAL_PROMPT", "0");
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new GitWorkTree.Result(process.exitValue(), output);
    }

    /**
     * git configured to take its password from {@code aws codecommit credential-helper}, as CodeCommit's docs say; the
     * helper only answers hosts under amazonaws.com unless told {@code --ignore-host-check}, which only {@code get} takes.
     */
    private static List<String> credentialHelper() {
        return List.of("credential.helper=!f() { test \"$1\" = get && aws codecommit credential-helper get --ignore-host-check; }; f",
                "credential.useHttpPath=true");
    }

    private static Map<String, String> awsEnv(String id, String secret, String token) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("AWS_ACCESS_KEY_ID", id, "AWS_SECRET_ACCESS_KEY", secret,
                "AWS_DEFAULT_REGION", "us-east-1", "AWS_CONFIG_FILE", "/dev/null", "AWS_SHARED_CREDENTIALS_FILE", "/dev/null"));
        if (token != null) {
            env.put("AWS_SESSION_TOKEN", token);
        }
        return env;
    }

    private static HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fixture.endpoint() + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void withoutCredentialsOrWithWrongOnesGitIsRefusedWithABasicChallenge() throws Exception {
        GitWorkTree tree = GitWorkTree.init(work.resolve("app"), "main");
        tree.write("README.md", "hello").commit("first");

        GitWorkTree.Result anonymous = git(tree.dir(), Map.of(), List.of(), "push", url("locked"), "main");
        assertThat(anonymous.exit()).isNotZero();
        assertThat(fixture.dataDir().resolve("git/locked.git")).as("a refused push creates nothing").doesNotExist();
        AdministratorKey wrong = new AdministratorKey(admin.accessKeyId(), "not-the-secret");
        GitWorkTree.Result wrongSecret = git(tree.dir(), Map.of(), List.of(), "push", wrong.inUrl(url("locked")), "main");
        assertThat(wrongSecret.exit()).isNotZero();
        assertThat(wrongSecret.output()).contains("Authentication failed");
        assertThat(fixture.dataDir().resolve("git/locked.git")).doesNotExist();

        HttpResponse<String> challenge = get("/v1/repos/locked/info/refs?service=git-receive-pack", null);
        assertThat(challenge.statusCode()).isEqualTo(401);
        assertThat(challenge.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
        HttpResponse<String> unknownKey = get("/v1/repos/locked/info/refs?service=git-upload-pack", basic("AKIAUNKNOWNKEY000000", "x"));
        assertThat(unknownKey.statusCode()).isEqualTo(401);
        assertThat(unknownKey.body()).startsWith("InvalidClientTokenId");
        HttpResponse<String> badSecret = get("/v1/repos/locked/info/refs?service=git-upload-pack", basic(admin.accessKeyId(), "x"));
        assertThat(badSecret.statusCode()).isEqualTo(401);
        assertThat(badSecret.body()).startsWith("SignatureDoesNotMatch");

        // A credential helper password is good for 15 minutes either side of the server's clock, and for its repository.
        String host = URI.create(fixture.endpoint()).getAuthority();
        String stale = GitCredentials.helperPassword(admin.secretAccessKey(), Instant.now().minus(Duration.ofMinutes(20)), "us-east-1",
                host, "/v1/repos/locked");
        assertThat(get("/v1/repos/locked/info/refs?service=git-upload-pack", basic(admin.accessKeyId(), stale)).body())
                .startsWith("RequestExpired");
        String otherRepository = GitCredentials.helperPassword(admin.secretAccessKey(), Instant.now(), "us-east-1", host, "/v1/repos/other");
        assertThat(get("/v1/repos/locked/info/refs?service=git-upload-pack", basic(admin.accessKeyId(), otherRepository)).statusCode())
                .isEqualTo(401);
        String fresh = GitCredentials.helperPassword(admin.secretAccessKey(), Instant.now(), "us-east-1", host, "/v1/repos/locked");
        assertThat(get("/v1/repos/locked/info/refs?service=git-upload-pack", basic(admin.accessKeyId(), fresh)).statusCode())
                .as("authenticated: the repository does not exist").isEqualTo(404);
    }

    @Test
    void basicCredentialsAndTheAwsCliCredentialHelperPushAndClone() throws Exception {
        GitWorkTree tree = GitWorkTree.init(work.resolve("app"), "main");
        String first = tree.write("README.md", "one").commit("first");
        assertThat(git(tree.dir(), Map.of(), List.of(), "push", admin.inUrl(url("shared")), "main").exit()).isZero();

        String second = tree.write("README.md", "two").commit("second");
        GitWorkTree.Result helped = git(tree.dir(), awsEnv(admin.accessKeyId(), admin.secretAccessKey(), null), credentialHelper(),
                "push", url("shared"), "main");
        assertThat(helped.exit()).as(helped.output()).isZero();
        GitWorkTree.Result cloned = git(work, awsEnv(admin.accessKeyId(), admin.secretAccessKey(), null), credentialHelper(),
                "clone", "-q", url("shared"), "copy");
        assertThat(cloned.exit()).as(cloned.output()).isZero();
        assertThat(git(work.resolve("copy"), Map.of(), List.of(), "rev-parse", "HEAD").output().strip()).isEqualTo(second);
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void aPolicyWithoutGitPushLetsItsUserCloneButNotPushAndTheRefusalIsAudited() throws Exception {
        GitWorkTree tree = GitWorkTree.init(work.resolve("app"), "main");
        tree.write("README.md", "one").commit("first");
        tree.push(admin.inUrl(url("guarded")), "main");

        String accessKeyId;
        String secret;
        try (IamClient iam = iam()) {
            iam.createUser(r -> r.userName("reader"));
            iam.putUserPolicy(r -> r.userName("reader").policyName("pull-only").policyDocument("""
                    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "codecommit:GitPull",
                      "Resource": "arn:aws:codecommit:us-east-1:000000000000:guarded"}]}"""));
            var key = iam.createAccessKey(r -> r.userName("reader")).accessKey();
            accessKeyId = key.accessKeyId();
            secret = key.secretAccessKey();
        }
        AdministratorKey reader = new AdministratorKey(accessKeyId, secret);
        GitWorkTree.Result cloned = git(work, Map.of(), List.of(), "clone", "-q", reader.inUrl(url("guarded")), "copy");
        assertThat(cloned.exit()).as(cloned.output()).isZero();
        Path copy = work.resolve("copy");
        Files.writeString(copy.resolve("README.md"), "reader's change");
        git(copy, Map.of(), List.of(), "commit", "-qam", "change");
        GitWorkTree.Result pushed = git(copy, awsEnv(accessKeyId, secret, null), credentialHelper(), "push", url("guarded"), "main");
        assertThat(pushed.exit()).isNotZero();
        assertThat(pushed.output()).contains("403");
        GitWorkTree.Result other = git(work, Map.of(), List.of(), "ls-remote", reader.inUrl(url("shared-elsewhere")));
        assertThat(other.exit()).as("GitPull on another repository is not allowed either").isNotZero();
        assertThat(other.output()).contains("403");

        try (CloudTrailClient trail = ServerFixture.sdkClient(CloudTrailClient.builder(), fixture.endpoint())) {
            List<Event> events = dev.conveyor.testkit.Await.await(() -> trail.lookupEvents(r -> r.lookupAttributes(a -> a
                            .attributeKey(LookupAttributeKey.EVENT_NAME).attributeValue("GitPush"))).events().stream()
                            .filter(e -> accessKeyId.equals(e.accessKeyId())).toList(), found -> !found.isEmpty(), Duration.ofSeconds(10),
                    "the refused push in the audit trail");
            assertThat(events.getFirst().cloudTrailEvent()).contains("\"errorCode\":\"AccessDenied\"").contains("guarded");
        }
    }

    @Test
    void temporaryCredentialsOfARoleWorkThroughTheCredentialHelper() throws Exception {
        GitWorkTree tree = GitWorkTree.init(work.resolve("app"), "main");
        String head = tree.write("README.md", "one").commit("first");
        tree.push(admin.inUrl(url("role-read")), "main");
        Credentials session;
        try (IamClient iam = iam(); StsClient sts = StsClient.builder().endpointOverride(URI.create(fixture.endpoint()))
                .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(admin.accessKeyId(), admin.secretAccessKey())))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            iam.createRole(r -> r.roleName("git-reader").assumeRolePolicyDocument("""
                    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
                      "Action": "sts:AssumeRole"}]}"""));
            String policy = iam.createPolicy(r -> r.policyName("git-read").policyDocument("""
                    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "codecommit:GitPull", "Resource": "*"}]}"""))
                    .policy().arn();
            iam.attachRolePolicy(r -> r.roleName("git-reader").policyArn(policy));
            session = sts.assumeRole(r -> r.roleArn("arn:aws:iam::000000000000:role/git-reader").roleSessionName("ci")).credentials();
        }
        Map<String, String> env = awsEnv(session.accessKeyId(), session.secretAccessKey(), session.sessionToken());
        GitWorkTree.Result listed = git(work, env, credentialHelper(), "ls-remote", url("role-read"), "refs/heads/main");
        assertThat(listed.exit()).as(listed.output()).isZero();
        assertThat(listed.output()).startsWith(head);
        Map<String, String> noToken = awsEnv(session.accessKeyId(), session.secretAccessKey(), null);
        assertThat(git(work, noToken, credentialHelper(), "ls-remote", url("role-read")).exit())
                .as("temporary credentials without their session token").isNotZero();
    }
}
