package dev.conveyor.iam.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.artifacts.crypto.Keyring;
import dev.conveyor.iam.IamServices;
import dev.conveyor.iam.errors.AccessDeniedException;
import dev.conveyor.store.Database;
import dev.conveyor.testkit.TestDatabases;
import java.nio.file.Files;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * The one rule deciding whether CodePipeline may assume a role for a pipeline's job ({@link Roles#forPipeline}), which
 * the job gate and the job's credentials ({@link Roles#assumeForPipeline}) both follow: the service or the account
 * trusted, the trust policy's conditions seeing the pipeline's ARN and the account.
 */
class RolesPipelineTrustTest {
    private static final String ACCOUNT = "000000000000";
    private static final String APP = "arn:aws:codepipeline:us-east-1:" + ACCOUNT + ":app";
    private static final String OTHER = "arn:aws:codepipeline:us-east-1:" + ACCOUNT + ":other";

    @Test
    void aRoleIsTrustedForAPipelineAsItsTrustPolicySaysAndItsCredentialsFollowTheSameRule() throws Exception {
        try (Database db = Database.open(TestDatabases.freshUrl("h2"))) {
            Clock clock = Clock.systemUTC();
            Roles roles = IamServices.open(db, new Keyring(Files.createTempDirectory("keys"), clock), "us-east-1", ACCOUNT, clock).roles();
            String service = role(roles, "service", "{\"Service\": \"codepipeline.amazonaws.com\"}", "");
            String rootArn = role(roles, "root", "{\"AWS\": \"arn:aws:iam::" + ACCOUNT + ":root\"}", "");
            String accountId = role(roles, "account", "{\"AWS\": \"" + ACCOUNT + "\"}", "");
            String onlyApp = role(roles, "only-app", "{\"Service\": \"codepipeline.amazonaws.com\"}",
                    ", \"Condition\": {\"ArnEquals\": {\"aws:SourceArn\": \"" + APP + "\"}, \"StringEquals\": {\"aws:SourceAccount\": \""
                            + ACCOUNT + "\"}}");
            String ec2 = role(roles, "ec2", "{\"Service\": \"ec2.amazonaws.com\"}", "");

            for (String trusted : new String[] {service, rootArn, accountId, onlyApp}) {
                assertThat(roles.forPipeline(trusted, APP)).as(trusted).hasValueSatisfying(r -> assertThat(r.trusted()).isTrue());
                assertThat(roles.assumeForPipeline(trusted, APP, "conveyor-job-1", 3600)).as(trusted)
                        .hasValueSatisfying(c -> assertThat(c.principal().arn()).endsWith(trusted.substring(trusted.lastIndexOf('/')) + "/conveyor-job-1"));
            }
            for (String[] untrusted : new String[][] {{onlyApp, OTHER}, {ec2, APP}}) {
                assertThat(roles.forPipeline(untrusted[0], untrusted[1])).hasValueSatisfying(r -> assertThat(r.trusted()).isFalse());
                assertThatThrownBy(() -> roles.assumeForPipeline(untrusted[0], untrusted[1], "conveyor-job-2", 3600))
                        .isInstanceOf(AccessDeniedException.class)
                        .hasMessage("CodePipeline is not authorized to perform AssumeRole on role " + untrusted[0]);
            }

            String later = "arn:aws:iam::" + ACCOUNT + ":role/later";
            assertThat(roles.forPipeline(later, APP)).as("no such role yet").isEmpty();
            assertThat(roles.assumeForPipeline(later, APP, "conveyor-job-3", 3600)).isEmpty();
            assertThat(role(roles, "later", "{\"Service\": \"codepipeline.amazonaws.com\"}", "")).isEqualTo(later);
            assertThat(roles.forPipeline(later, APP)).as("found once created: a missing role is not remembered").isPresent();
        }
    }

    /** Creates a role trusting {@code principal} (JSON) under {@code condition} (a JSON member, or empty); its ARN. */
    private static String role(Roles roles, String name, String principal, String condition) {
        return roles.create(name, "/", "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": " + principal
                + ", \"Action\": \"sts:AssumeRole\"" + condition + "}]}", null, null).arn();
    }
}
