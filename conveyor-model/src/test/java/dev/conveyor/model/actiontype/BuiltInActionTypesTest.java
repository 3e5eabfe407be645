package dev.conveyor.model.actiontype;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.model.pipeline.ActionTypeId;
import dev.conveyor.model.servicemodel.ServiceModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BuiltInActionTypesTest {
    private final BuiltInActionTypes types = BuiltInActionTypes.instance();

    private ActionTypeDefinition type(String category, String owner, String provider) {
        return types.find(new ActionTypeId(category, owner, provider, "1")).orElseThrow();
    }

    @ParameterizedTest(name = "{0}/{1}/{2}")
    @CsvSource({
            "Source, AWS, S3", "Source, AWS, CodeCommit", "Source, AWS, ECR", "Source, AWS, CodeStarSourceConnection",
            "Source, ThirdParty, GitHub",
            "Build, AWS, CodeBuild", "Build, AWS, ECRBuildAndPublish",
            "Test, AWS, CodeBuild", "Test, AWS, DeviceFarm",
            "Deploy, AWS, S3", "Deploy, AWS, CodeDeploy", "Deploy, AWS, CodeDeployToECS", "Deploy, AWS, ECS",
            "Deploy, AWS, ElasticBeanstalk", "Deploy, AWS, CloudFormation", "Deploy, AWS, CloudFormationStackSet",
            "Deploy, AWS, CloudFormationStackInstances", "Deploy, AWS, OpsWorks", "Deploy, AWS, ServiceCatalog",
            "Deploy, AWS, AppConfig", "Deploy, ThirdParty, AlexaSkillsKit", "Deploy, AWS, EKS", "Deploy, AWS, EC2",
            "Deploy, AWS, Lambda",
            "Approval, AWS, Manual",
            "Invoke, AWS, Lambda", "Invoke, AWS, StepFunctions", "Invoke, AWS, InspectorScan", "Invoke, AWS, CodePipeline",
            "Compute, AWS, Commands"})
    void offersEveryProviderOfCodePipeline(String category, String owner, String provider) {
        assertThat(types.find(new ActionTypeId(category, owner, provider, "1"))).isPresent();
    }

    @Test
    void codeBuildTakesOneToFiveInputsAndZeroToFiveOutputsInBothCategories() {
        for (String category : List.of("Build", "Test")) {
            ActionTypeDefinition codeBuild = type(category, "AWS", "CodeBuild");
            assertThat(codeBuild.inputArtifacts()).isEqualTo(ArtifactCount.between(1, 5));
            assertThat(codeBuild.outputArtifacts()).isEqualTo(ArtifactCount.between(0, 5));
            assertThat(codeBuild.requiredProperties()).extracting(ConfigurationProperty::name)
                    .containsExactly("ProjectName");
        }
    }

    @Test
    void manualApprovalTakesNoArtifactsAndNoRequiredConfiguration() {
        ActionTypeDefinition manual = type("Approval", "AWS", "Manual");

        assertThat(manual.inputArtifacts()).isEqualTo(ArtifactCount.none());
        assertThat(manual.outputArtifacts()).isEqualTo(ArtifactCount.none());
        assertThat(manual.requiredProperties()).isEmpty();
        assertThat(manual.configurationProperties()).extracting(ConfigurationProperty::name)
                .containsExactly("NotificationArn", "CustomData", "ExternalEntityLink");
    }

    @Test
    void gitHubVersionOneRequiresOwnerRepoBranchAndASecretOAuthToken() {
        ActionTypeDefinition gitHub = type("Source", "ThirdParty", "GitHub");

        assertThat(gitHub.requiredProperties()).extracting(ConfigurationProperty::name)
                .containsExactly("Owner", "Repo", "Branch", "OAuthToken");
        assertThat(gitHub.property("OAuthToken")).get().extracting(ConfigurationProperty::secret).isEqualTo(true);
        assertThat(gitHub.property("PollForSourceChanges")).get()
                .extracting(ConfigurationProperty::required, ConfigurationProperty::type)
                .containsExactly(false, ConfigurationPropertyType.BOOLEAN);
    }

    @Test
    void codeStarSourceConnectionIsOwnedByAws() {
        assertThat(types.find(new ActionTypeId("Source", "ThirdParty", "CodeStarSourceConnection", "1"))).isEmpty();
        assertThat(type("Source", "AWS", "CodeStarSourceConnection").requiredProperties())
                .extracting(ConfigurationProperty::name)
                .containsExactly("ConnectionArn", "FullRepositoryId", "BranchName");
    }

    @Test
    void sourceActionsTakeNoInputAndProduceExactlyOneOutput() {
        types.all().stream().filter(t -> t.id().category().equals("Source")).forEach(source -> {
            assertThat(source.inputArtifacts()).isEqualTo(ArtifactCount.none());
            assertThat(source.outputArtifacts()).isEqualTo(ArtifactCount.exactly(1));
        });
    }

    @Test
    void cloudFormationTakesUpToTenInputsAndOneOutput() {
        ActionTypeDefinition cloudFormation = type("Deploy", "AWS", "CloudFormation");

        assertThat(cloudFormation.inputArtifacts()).isEqualTo(ArtifactCount.between(0, 10));
        assertThat(cloudFormation.outputArtifacts()).isEqualTo(ArtifactCount.between(0, 1));
        assertThat(cloudFormation.requiredProperties()).extracting(ConfigurationProperty::name)
                .containsExactly("ActionMode", "StackName");
    }

    @Test
    void commandsDeclaresNoConfigurationTakesUpToTenInputsAndNeedsAV2Pipeline() {
        ActionTypeDefinition commands = types.find(BuiltInActionTypes.COMMANDS).orElseThrow();

        assertThat(commands.configurationProperties()).isEmpty();
        assertThat(commands.inputArtifacts()).isEqualTo(ArtifactCount.between(1, 10));
        assertThat(commands.outputArtifacts()).isEqualTo(ArtifactCount.between(0, 1));
        assertThat(commands.requiresV2Pipeline()).isTrue();
    }

    @Test
    void onlyTheProvidersAwsDocumentsAsV2OnlyNeedAV2Pipeline() {
        assertThat(types.all()).filteredOn(ActionTypeDefinition::requiresV2Pipeline)
                .extracting(t -> t.id().category() + "/" + t.id().provider())
                .containsExactlyInAnyOrder("Build/ECRBuildAndPublish", "Deploy/EKS", "Deploy/EC2", "Deploy/Lambda",
                        "Invoke/CodePipeline", "Compute/Commands");
    }

    @Test
    void inspectorScanIsAnInvokeActionProducingOneReport() {
        assertThat(types.find(new ActionTypeId("Build", "AWS", "InspectorScan", "1"))).isEmpty();
        assertThat(type("Invoke", "AWS", "InspectorScan").outputArtifacts()).isEqualTo(ArtifactCount.exactly(1));
    }

    @Test
    void everyBuiltInTypeIsVersionOneInACategoryAndOwnerTheServiceModelAllows() {
        Set<String> categories = enumOf("ActionCategory");
        Set<String> owners = enumOf("ActionOwner");

        assertThat(types.all()).allSatisfy(t -> {
            assertThat(t.id().version()).isEqualTo("1");
            assertThat(categories).contains(t.id().category());
            assertThat(owners).contains(t.id().owner());
            assertThat(t.isCustom()).isFalse();
        });
    }

    @Test
    void everyTypeIdAndEveryPropertyNameWithinATypeIsUnique() {
        assertThat(types.all()).extracting(ActionTypeDefinition::id).doesNotHaveDuplicates();
        assertThat(types.all()).allSatisfy(t -> assertThat(t.configurationProperties())
                .extracting(ConfigurationProperty::name).doesNotHaveDuplicates());
    }

    @Test
    void findsNothingForAnUnknownProvider() {
        assertThat(types.find(new ActionTypeId("Build", "AWS", "Foo", "1"))).isEmpty();
    }

    private static Set<String> enumOf(String shape) {
        List<String> values = new ArrayList<>();
        ServiceModel.codePipeline().shape(shape).path("enum").forEach(v -> values.add(v.asText()));
        return new HashSet<>(values);
    }
}
