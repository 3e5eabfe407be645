package dev.conveyor.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.artifacts.crypto.Keyring;
import dev.conveyor.iam.identity.NewAccessKey;
import dev.conveyor.iam.identity.Principal;
import dev.conveyor.iam.policy.AuthorizationRequest;
import dev.conveyor.iam.policy.Decision;
import dev.conveyor.iam.policy.Decision.Outcome;
import dev.conveyor.iam.policy.MalformedPolicyException;
import dev.conveyor.store.Database;
import dev.conveyor.testkit.TestDatabases;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Map;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bucket policies stored and evaluated with identity policies as IAM does within one account, on both databases: an
 * explicit Deny in either wins, an Allow in either grants; "*" names anonymous callers too, an ARN only its principal;
 * S3's validation of what a bucket policy may say.
 */
class BucketPoliciesTest {
    private static final String ACCOUNT = "000000000000";

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void evaluatesABucketPolicyTogetherWithTheCallersOwnPolicies(String kind) throws Exception {
        try (Database db = Database.open(TestDatabases.freshUrl(kind))) {
            IamServices iam = IamServices.open(db, new Keyring(Files.createTempDirectory("keys"), Clock.systemUTC()), "us-east-1", ACCOUNT,
                    Clock.systemUTC());
            iam.users().create("ann", "/");
            iam.users().putInlinePolicy("ann", "AllS3", """
                    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}""");
            iam.users().create("ben", "/");
            Principal ann = principal(iam, "ann");
            Principal ben = principal(iam, "ben");
            iam.bucketPolicies().put("site", """
                    {"Version": "2012-10-17", "Statement": [
                      {"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/public/*"},
                      {"Sid": "BenWrites", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::%1$s:user/ben"]}, "Action": "s3:PutObject",
                       "Resource": "arn:aws:s3:::site/uploads/*"},
                      {"Sid": "NotAnn", "Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::%1$s:user/ann"}, "Action": "s3:DeleteObject",
                       "Resource": "arn:aws:s3:::site/*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}""".formatted(ACCOUNT));
            var site = iam.bucketPolicies().policiesOf("site");
            Authorizer authorizer = iam.authorizer();

            assertThat(outcome(authorizer, Principal.Anonymous.INSTANCE, "s3:GetObject", "site/public/a.html", site)).isEqualTo(Outcome.ALLOWED);
            assertThat(outcome(authorizer, Principal.Anonymous.INSTANCE, "s3:GetObject", "site/private/a.html", site))
                    .isEqualTo(Outcome.IMPLICIT_DENY);
            assertThat(outcome(authorizer, Principal.Anonymous.INSTANCE, "s3:PutObject", "site/uploads/x", site)).as("an ARN is not \"*\"")
                    .isEqualTo(Outcome.IMPLICIT_DENY);
            assertThat(outcome(authorizer, ben, "s3:PutObject", "site/uploads/x", site)).as("the bucket's Allow needs no identity Allow")
                    .isEqualTo(Outcome.ALLOWED);
            assertThat(outcome(authorizer, ben, "s3:PutObject", "other/uploads/x", List.of())).isEqualTo(Outcome.IMPLICIT_DENY);
            Decision denied = authorizer.authorize(ann, new AuthorizationRequest("s3:DeleteObject", "arn:aws:s3:::site/a.html",
                    Map.of("aws:SecureTransport", List.of("false"))), site);
            assertThat(denied.outcome()).as("the bucket's Deny wins over ann's own Allow").isEqualTo(Outcome.EXPLICIT_DENY);
            assertThat(denied.denialMessage(ann.arn(), new AuthorizationRequest("s3:DeleteObject", "arn:aws:s3:::site/a.html")))
                    .endsWith("with an explicit deny in a resource-based policy");
            assertThat(authorizer.authorize(ann, new AuthorizationRequest("s3:DeleteObject", "arn:aws:s3:::site/a.html",
                    Map.of("aws:SecureTransport", List.of("true"))), site).outcome()).as("the Deny's condition does not hold")
                    .isEqualTo(Outcome.ALLOWED);
            assertThat(outcome(authorizer, new Principal.Account(ACCOUNT), "s3:GetObject", "site/private/x", site)).isEqualTo(Outcome.ALLOWED);

            assertThat(iam.bucketPolicies().find("site")).get().asString().contains("BenWrites");
            iam.bucketPolicies().delete("site");
            assertThat(iam.bucketPolicies().find("site")).isEmpty();
            assertThat(iam.bucketPolicies().policiesOf("site")).as("no stale policy once deleted").isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void refusesWhatS3RefusesInABucketPolicy(String kind) throws Exception {
        try (Database db = Database.open(TestDatabases.freshUrl(kind))) {
            IamServices iam = IamServices.open(db, new Keyring(Files.createTempDirectory("keys"), Clock.systemUTC()), "us-east-1", ACCOUNT,
                    Clock.systemUTC());
            BucketPolicies policies = iam.bucketPolicies();
            String ok = """
                    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "%s"}]}""";
            assertThatThrownBy(() -> policies.put("b", ok.formatted("arn:aws:s3:::other/*"))).isInstanceOf(MalformedPolicyException.class)
                    .hasMessage("Policy has invalid resource");
            assertThatThrownBy(() -> policies.put("b", ok.replace("s3:GetObject", "iam:PassRole").formatted("arn:aws:s3:::b/*")))
                    .hasMessage("Policy has invalid action");
            assertThatThrownBy(() -> policies.put("b", ok.replace("\"*\"", "{\"AWS\": \"someone\"}").formatted("arn:aws:s3:::b/*")))
                    .hasMessage("Invalid principal in policy");
            assertThatThrownBy(() -> policies.put("b", "{]")).hasMessage("This policy contains invalid Json");
            assertThatThrownBy(() -> policies.put("b", ok.replace("\"Principal\": \"*\", ", "").formatted("arn:aws:s3:::b/*")))
                    .hasMessage("Missing required field Principal");
            assertThatThrownBy(() -> policies.put("b", ok.formatted("arn:aws:s3:::b/" + "x".repeat(BucketPolicies.MAX_BYTES))))
                    .hasMessage("Policy exceeds the maximum allowed document size.");
            assertThat(policies.find("b")).as("nothing refused was stored").isEmpty();
            policies.put("b", ok.formatted("arn:aws:s3:::b/*"));
            policies.put("b", ok.formatted("arn:aws:s3:::b"));
            assertThat(policies.find("b")).as("a second put replaces the first").contains(ok.formatted("arn:aws:s3:::b"));
        }
    }

    private static Principal principal(IamServices iam, String user) {
        NewAccessKey key = iam.users().createAccessKey(user);
        return iam.signingKeys().find(key.key().accessKeyId()).orElseThrow().principal();
    }

    private static Outcome outcome(Authorizer authorizer, Principal principal, String action, String object,
                                   List<dev.conveyor.iam.policy.NamedPolicy> bucketPolicy) {
        return authorizer.authorize(principal, new AuthorizationRequest(action, "arn:aws:s3:::" + object), bucketPolicy).outcome();
    }
}
