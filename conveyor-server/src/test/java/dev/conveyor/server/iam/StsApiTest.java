package dev.conveyor.server.iam;

import dev.conveyor.testkit.TestCredentials;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.iam.identity.AdministratorBootstrap;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * STS through the AWS SDK for Java v2's StsClient, on both databases: who signed a request, and temporary
 * credentials from AssumeRole that work until they expire.
 */
class StsApiTest {
    private static final String TRUST_THE_ACCOUNT = """
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
             "Action": "sts:AssumeRole"}]}""";

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void getCallerIdentityNamesTheUserWhoseVerifiedKeySignedTheRequest(String kind) throws Exception {
        try (IamServerFixture fixture = new IamServerFixture(kind)) {
            var mode = Files.getPosixFilePermissions(fixture.dataDir.resolve(AdministratorBootstrap.FILE_NAME));
            assertThat(PosixFilePermissions.toString(mode)).as("the administrator's key is readable by its owner only").isEqualTo("rw-------");
            AwsBasicCredentials admin = fixture.adminCredentials();
            assertThat(admin.accessKeyId()).as("the administrator's key configured at start").isEqualTo(TestCredentials.ACCESS_KEY_ID);
            try (StsClient sts = fixture.sts(admin); IamClient iam = fixture.iam(admin)) {
                GetCallerIdentityResponse identity = sts.getCallerIdentity();
                assertThat(identity.arn()).isEqualTo("arn:aws:iam::000000000000:user/admin");
                assertThat(identity.account()).isEqualTo("000000000000");
                assertThat(identity.userId()).isEqualTo(iam.getUser(r -> r.userName("admin")).user().userId());
                assertThat(iam.getUser().user().userName()).as("GetUser without a name is the caller").isEqualTo("admin");
                assertThat(iam.listAttachedUserPolicies(r -> r.userName("admin")).attachedPolicies())
                        .extracting(p -> p.policyArn()).containsExactly("arn:aws:iam::aws:policy/AdministratorAccess");

                iam.createUser(r -> r.userName("carol"));
                AccessKey carolKey = iam.createAccessKey(r -> r.userName("carol")).accessKey();
                AwsBasicCredentials carol = AwsBasicCredentials.create(carolKey.accessKeyId(), carolKey.secretAccessKey());
                try (StsClient asCarol = fixture.sts(carol)) {
                    assertThat(asCarol.getCallerIdentity().arn()).isEqualTo("arn:aws:iam::000000000000:user/carol");
                }
                try (StsClient forged = fixture.sts(AwsBasicCredentials.create(carolKey.accessKeyId(), "x".repeat(40)))) {
                    assertThatThrownBy(forged::getCallerIdentity).isInstanceOfSatisfying(StsException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch"));
                }
                iam.updateAccessKey(r -> r.userName("carol").accessKeyId(carolKey.accessKeyId()).status(StatusType.INACTIVE));
                try (StsClient inactive = fixture.sts(carol)) {
                    assertThatThrownBy(inactive::getCallerIdentity).isInstanceOfSatisfying(StsException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId"));
                }
            }
            try (StsClient unknown = fixture.sts(IamServerFixture.unknownCredentials())) {
                assertThatThrownBy(unknown::getCallerIdentity).as("keys Conveyor did not issue are refused")
                        .isInstanceOfSatisfying(StsException.class,
                                e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId"));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void assumeRoleHandsOutTemporaryCredentialsThatWorkUntilTheyExpire(String kind) {
        try (IamServerFixture fixture = new IamServerFixture(kind); IamClient iam = fixture.iam(fixture.adminCredentials());
             StsClient sts = fixture.sts(fixture.adminCredentials())) {
            Role role = iam.createRole(r -> r.roleName("deployer").assumeRolePolicyDocument(TRUST_THE_ACCOUNT).description("deploys")).role();
            assertThat(role.arn()).isEqualTo("arn:aws:iam::000000000000:role/deployer");
            assertThat(role.roleId()).startsWith("AROA");
            assertThat(role.maxSessionDuration()).isEqualTo(3600);
            assertThat(iam.getRole(r -> r.roleName("deployer")).role().roleId()).isEqualTo(role.roleId());
            iam.attachRolePolicy(r -> r.roleName("deployer").policyArn("arn:aws:iam::aws:policy/AdministratorAccess"));

            AssumeRoleResponse assumed = sts.assumeRole(r -> r.roleArn(role.arn()).roleSessionName("release-42").durationSeconds(900));
            Credentials credentials = assumed.credentials();
            assertThat(credentials.accessKeyId()).startsWith("ASIA").hasSize(20);
            assertThat(credentials.secretAccessKey()).hasSize(40);
            assertThat(credentials.sessionToken()).isNotBlank();
            assertThat(credentials.expiration()).isEqualTo(fixture.clock.instant().plusSeconds(900).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
            assertThat(assumed.assumedRoleUser().arn()).isEqualTo("arn:aws:sts::000000000000:assumed-role/deployer/release-42");
            assertThat(assumed.assumedRoleUser().assumedRoleId()).isEqualTo(role.roleId() + ":release-42");

            AwsSessionCredentials session = AwsSessionCredentials.create(credentials.accessKeyId(), credentials.secretAccessKey(),
                    credentials.sessionToken());
            try (StsClient asRole = fixture.sts(session)) {
                GetCallerIdentityResponse identity = asRole.getCallerIdentity();
                assertThat(identity.arn()).isEqualTo("arn:aws:sts::000000000000:assumed-role/deployer/release-42");
                assertThat(identity.userId()).isEqualTo(role.roleId() + ":release-42");
            }
            try (StsClient wrongToken = fixture.sts(AwsSessionCredentials.create(credentials.accessKeyId(), credentials.secretAccessKey(),
                    "not-the-token"))) {
                assertThatThrownBy(wrongToken::getCallerIdentity).isInstanceOfSatisfying(StsException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId"));
            }

            fixture.clock.advance(Duration.ofSeconds(901));
            try (StsClient expired = fixture.sts(session)) {
                assertThatThrownBy(expired::getCallerIdentity).isInstanceOfSatisfying(StsException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExpiredToken");
                    assertThat(e.getMessage()).contains("expired");
                });
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void assumeRoleIsRefusedWhenTheTrustPolicyDoesNotNameTheCallerOrTheDurationIsTooLong(String kind) {
        try (IamServerFixture fixture = new IamServerFixture(kind); IamClient iam = fixture.iam(fixture.adminCredentials());
             StsClient sts = fixture.sts(fixture.adminCredentials())) {
            Role onlyBuilders = iam.createRole(r -> r.roleName("builders-only").assumeRolePolicyDocument("""
                    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:user/builder"},
                     "Action": "sts:AssumeRole"}]}""")).role();
            assertThatThrownBy(() -> sts.assumeRole(r -> r.roleArn(onlyBuilders.arn()).roleSessionName("s1")))
                    .isInstanceOfSatisfying(StsException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                        assertThat(e.getMessage()).contains("user/admin is not authorized to perform: sts:AssumeRole on resource: "
                                + onlyBuilders.arn());
                    });
            Role open = iam.createRole(r -> r.roleName("open").assumeRolePolicyDocument(TRUST_THE_ACCOUNT)).role();
            assertThatThrownBy(() -> sts.assumeRole(r -> r.roleArn(open.arn()).roleSessionName("s1").durationSeconds(7200)))
                    .isInstanceOfSatisfying(StsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"))
                    .hasMessageContaining("MaxSessionDuration");
            assertThatThrownBy(() -> sts.assumeRole(r -> r.roleArn("arn:aws:iam::000000000000:role/missing").roleSessionName("s1")))
                    .isInstanceOfSatisfying(StsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchEntity"));
            Role external = iam.createRole(r -> r.roleName("partner").assumeRolePolicyDocument("""
                    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "000000000000"},
                     "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "s3cret-id"}}}]}""")).role();
            assertThatThrownBy(() -> sts.assumeRole(r -> r.roleArn(external.arn()).roleSessionName("s1").externalId("wrong-id")))
                    .isInstanceOfSatisfying(StsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
            assertThat(sts.assumeRole(r -> r.roleArn(external.arn()).roleSessionName("s1").externalId("s3cret-id")).credentials()
                    .accessKeyId()).startsWith("ASIA");
            assertThatThrownBy(() -> sts.assumeRole(r -> r.roleArn(open.arn()).roleSessionName("s1").policy("{}")))
                    .as("session policies would narrow the session: refused rather than ignored")
                    .isInstanceOfSatisfying(StsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"))
                    .hasMessageContaining("Policy is not supported");
            assertThatThrownBy(() -> iam.createRole(r -> r.roleName("no-principal").assumeRolePolicyDocument(
                    "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"sts:AssumeRole\"}]}")))
                    .hasMessageContaining("Missing required field Principal");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aBodyOtherThanTheSignedOneIsRefused(String kind) throws Exception {
        try (IamServerFixture fixture = new IamServerFixture(kind)) {
            AwsBasicCredentials admin = fixture.adminCredentials();
            String body = "Action=GetCallerIdentity&Version=2011-06-15";
            String bodyHash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            SdkHttpRequest unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(URI.create(fixture.endpoint() + "/"))
                    .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                    .putHeader("x-amz-content-sha256", bodyHash).build();
            SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(admin).request(unsigned)
                    .payload(ContentStreamProvider.fromUtf8String(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sts").putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"));
            assertThat(send(signed.request(), body)).as("the signed body").contains("<Arn>arn:aws:iam::000000000000:user/admin</Arn>");
            String refused = send(signed.request(), body + "&Extra=1");
            assertThat(refused).contains("<Code>SignatureDoesNotMatch</Code>").contains("x-amz-content-sha256");
        }
    }

    /** Sends a request as signed, with {@code body}; the response's body. */
    private static String send(SdkHttpRequest request, String body) throws Exception {
        HttpRequest.Builder http = HttpRequest.newBuilder(request.getUri()).POST(HttpRequest.BodyPublishers.ofString(body));
        request.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> http.header(name, v));
            }
        });
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(http.build(), HttpResponse.BodyHandlers.ofString()).body();
        }
    }
}
