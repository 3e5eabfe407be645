package dev.conveyor.server.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.DeleteConflictException;
import software.amazon.awssdk.services.iam.model.EntityAlreadyExistsException;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.iam.model.LimitExceededException;
import software.amazon.awssdk.services.iam.model.MalformedPolicyDocumentException;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Policy;
import software.amazon.awssdk.services.iam.model.PolicyScopeType;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.iam.model.Tag;
import software.amazon.awssdk.services.iam.model.User;

/** The IAM subset through the AWS SDK for Java v2's IamClient, on both databases. */
class IamApiTest {
    private static final String READ_PIPELINES = """
            {"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow", "Action": "codepipeline:Get*", "Resource": "*"}]}""";

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void createsListsAndDeletesUsersKeysAndPoliciesWithIamsErrors(String kind) {
        try (IamServerFixture fixture = new IamServerFixture(kind); IamClient iam = fixture.iam(fixture.adminCredentials())) {
            User bob = iam.createUser(r -> r.userName("bob").path("/team/")).user();
            assertThat(bob.arn()).isEqualTo("arn:aws:iam::000000000000:user/team/bob");
            assertThat(bob.userId()).startsWith("AIDA").hasSize(21);
            assertThat(bob.createDate()).isNotNull();
            assertThat(iam.getUser(r -> r.userName("bob")).user()).isEqualTo(bob);
            assertThatThrownBy(() -> iam.createUser(r -> r.userName("bob")))
                    .isInstanceOf(EntityAlreadyExistsException.class).hasMessageContaining("User with name bob already exists.");
            assertThatThrownBy(() -> iam.createUser(r -> r.userName("BOB"))).as("names are unique whatever their case")
                    .isInstanceOf(EntityAlreadyExistsException.class);
            assertThat(iam.listUsers().users()).extracting(User::userName).containsExactly("admin", "bob");
            assertThat(iam.listUsers(r -> r.pathPrefix("/team/")).users()).extracting(User::userName).containsExactly("bob");

            AccessKey first = iam.createAccessKey(r -> r.userName("bob")).accessKey();
            assertThat(first.accessKeyId()).startsWith("AKIA").hasSize(20);
            assertThat(first.secretAccessKey()).hasSize(40);
            assertThat(first.status()).isEqualTo(StatusType.ACTIVE);
            AccessKey second = iam.createAccessKey(r -> r.userName("bob")).accessKey();
            assertThatThrownBy(() -> iam.createAccessKey(r -> r.userName("bob")))
                    .isInstanceOf(LimitExceededException.class).hasMessageContaining("AccessKeysPerUser");
            iam.updateAccessKey(r -> r.userName("bob").accessKeyId(second.accessKeyId()).status(StatusType.INACTIVE));
            assertThat(iam.listAccessKeys(r -> r.userName("bob")).accessKeyMetadata())
                    .extracting(k -> k.accessKeyId() + "=" + k.status())
                    .containsExactlyInAnyOrder(first.accessKeyId() + "=Active", second.accessKeyId() + "=Inactive");

            Policy policy = iam.createPolicy(r -> r.policyName("ReadPipelines").policyDocument(READ_PIPELINES).description("read")).policy();
            assertThat(policy.arn()).isEqualTo("arn:aws:iam::000000000000:policy/ReadPipelines");
            assertThat(policy.policyId()).startsWith("ANPA");
            assertThat(policy.defaultVersionId()).isEqualTo("v1");
            assertThatThrownBy(() -> iam.createPolicy(r -> r.policyName("ReadPipelines").policyDocument(READ_PIPELINES)))
                    .isInstanceOf(EntityAlreadyExistsException.class);
            assertThatThrownBy(() -> iam.createPolicy(r -> r.policyName("readpipelines").path("/other/").policyDocument(READ_PIPELINES)))
                    .as("whatever the path and case").isInstanceOf(EntityAlreadyExistsException.class);
            String document = iam.getPolicyVersion(r -> r.policyArn(policy.arn()).versionId("v1")).policyVersion().document();
            assertThat(URLDecoder.decode(document, StandardCharsets.UTF_8)).as("IAM returns documents URL-encoded").isEqualTo(READ_PIPELINES);
            assertThatThrownBy(() -> iam.getPolicyVersion(r -> r.policyArn(policy.arn()).versionId("v2")))
                    .isInstanceOf(NoSuchEntityException.class);

            iam.attachUserPolicy(r -> r.userName("bob").policyArn(policy.arn()));
            assertThat(iam.listAttachedUserPolicies(r -> r.userName("bob")).attachedPolicies()).extracting(AttachedPolicy::policyArn)
                    .containsExactly(policy.arn());
            assertThat(iam.getPolicy(r -> r.policyArn(policy.arn())).policy().attachmentCount()).isEqualTo(1);
            assertThat(iam.listPolicies(r -> r.scope(PolicyScopeType.LOCAL)).policies()).extracting(Policy::policyName)
                    .containsExactly("ReadPipelines");
            assertThat(iam.listPolicies(r -> r.scope(PolicyScopeType.AWS)).policies()).extracting(Policy::arn)
                    .containsExactly("arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/ConveyorAgentAccess");
            iam.putUserPolicy(r -> r.userName("bob").policyName("inline").policyDocument(READ_PIPELINES));
            assertThat(URLDecoder.decode(iam.getUserPolicy(r -> r.userName("bob").policyName("inline")).policyDocument(),
                    StandardCharsets.UTF_8)).isEqualTo(READ_PIPELINES);

            // A user is deleted only once it holds nothing: keys first, then attached policies, then inline ones.
            assertThatThrownBy(() -> iam.deleteUser(r -> r.userName("bob")))
                    .isInstanceOf(DeleteConflictException.class).hasMessageContaining("must delete access keys first");
            iam.deleteAccessKey(r -> r.userName("bob").accessKeyId(first.accessKeyId()));
            iam.deleteAccessKey(r -> r.userName("bob").accessKeyId(second.accessKeyId()));
            assertThatThrownBy(() -> iam.deleteAccessKey(r -> r.userName("bob").accessKeyId(second.accessKeyId())))
                    .isInstanceOf(NoSuchEntityException.class);
            assertThatThrownBy(() -> iam.deleteUser(r -> r.userName("bob")))
                    .isInstanceOf(DeleteConflictException.class).hasMessageContaining("must detach all policies first");
            assertThatThrownBy(() -> iam.deletePolicy(r -> r.policyArn(policy.arn())))
                    .as("an attached policy is not deleted").isInstanceOf(DeleteConflictException.class);
            iam.detachUserPolicy(r -> r.userName("bob").policyArn(policy.arn()));
            assertThatThrownBy(() -> iam.deleteUser(r -> r.userName("bob")))
                    .isInstanceOf(DeleteConflictException.class).hasMessageContaining("must delete policies first");
            iam.deleteUserPolicy(r -> r.userName("bob").policyName("inline"));
            iam.deleteUser(r -> r.userName("bob"));
            iam.deletePolicy(r -> r.policyArn(policy.arn()));
            assertThatThrownBy(() -> iam.getUser(r -> r.userName("bob")))
                    .isInstanceOf(NoSuchEntityException.class).hasMessageContaining("The user with name bob cannot be found.");
            assertThatThrownBy(() -> iam.getPolicy(r -> r.policyArn(policy.arn()))).isInstanceOf(NoSuchEntityException.class);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void refusesBadInputNamingTheMemberAndLeavesNothingBehind(String kind) {
        try (IamServerFixture fixture = new IamServerFixture(kind); IamClient iam = fixture.iam(fixture.adminCredentials())) {
            assertThatThrownBy(() -> iam.createUser(r -> r.userName("no spaces")))
                    .isInstanceOfSatisfying(IamException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
                        assertThat(e.statusCode()).isEqualTo(400);
                    })
                    .hasMessageContaining("at 'userName' failed to satisfy constraint");
            assertThatThrownBy(() -> iam.createPolicy(r -> r.policyName("Bad").policyDocument("{\"Statement\": [{\"Effect\": \"Allow\"}]}")))
                    .isInstanceOf(MalformedPolicyDocumentException.class).hasMessageContaining("must contain actions");
            assertThatThrownBy(() -> iam.createPolicy(r -> r.policyName("Bad").policyDocument("not json")))
                    .isInstanceOf(MalformedPolicyDocumentException.class).hasMessageContaining("Syntax errors in policy");
            assertThatThrownBy(() -> iam.putUserPolicy(r -> r.userName("admin").policyName("p").policyDocument(
                    "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"codepipeline\", \"Resource\": \"*\"}}")))
                    .isInstanceOf(MalformedPolicyDocumentException.class).hasMessageContaining("prefaced by a vendor");
            assertThat(iam.listPolicies(r -> r.scope(PolicyScopeType.LOCAL)).policies()).isEmpty();
            assertThatThrownBy(() -> iam.getUserPolicy(r -> r.userName("admin").policyName("p"))).isInstanceOf(NoSuchEntityException.class);
            assertThatThrownBy(() -> iam.attachUserPolicy(r -> r.userName("nobody").policyArn("arn:aws:iam::aws:policy/AdministratorAccess")))
                    .isInstanceOf(NoSuchEntityException.class).hasMessageContaining("nobody");
            assertThatThrownBy(() -> iam.attachUserPolicy(r -> r.userName("admin").policyArn("arn:aws:iam::000000000000:policy/Missing")))
                    .isInstanceOf(NoSuchEntityException.class).hasMessageContaining("policy/Missing");
            assertThatThrownBy(() -> iam.getRole(r -> r.roleName("missing"))).isInstanceOf(NoSuchEntityException.class);
            assertThatThrownBy(() -> iam.createUser(r -> r.userName("tagged").tags(Tag.builder().key("team").value("web").build())))
                    .as("what is not implemented is refused, not ignored")
                    .isInstanceOfSatisfying(IamException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"))
                    .hasMessageContaining("The parameter Tags is not supported");
            assertThatThrownBy(() -> iam.getUser(r -> r.userName("tagged"))).isInstanceOf(NoSuchEntityException.class);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void listsPageByMarker(String kind) {
        try (IamServerFixture fixture = new IamServerFixture(kind); IamClient iam = fixture.iam(fixture.adminCredentials())) {
            for (String name : new String[] {"u1", "u2", "u3"}) {
                iam.createUser(r -> r.userName(name));
            }
            var first = iam.listUsers(r -> r.maxItems(2));
            assertThat(first.users()).extracting(User::userName).containsExactly("admin", "u1");
            assertThat(first.isTruncated()).isTrue();
            var second = iam.listUsers(r -> r.maxItems(2).marker(first.marker()));
            assertThat(second.users()).extracting(User::userName).containsExactly("u2", "u3");
            assertThat(second.isTruncated()).isFalse();
            assertThat(iam.listUsersPaginator(r -> r.maxItems(1)).users()).extracting(User::userName)
                    .containsExactly("admin", "u1", "u2", "u3");
            assertThatThrownBy(() -> iam.listUsers(r -> r.maxItems(0)))
                    .isInstanceOfSatisfying(IamException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"))
                    .hasMessageContaining("at 'maxItems'");
        }
    }
}
