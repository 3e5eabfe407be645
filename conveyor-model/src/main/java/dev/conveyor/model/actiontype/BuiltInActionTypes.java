package dev.conveyor.model.actiontype;

import static dev.conveyor.model.actiontype.ArtifactCount.between;
import static dev.conveyor.model.actiontype.ArtifactCount.exactly;
import static dev.conveyor.model.actiontype.ArtifactCount.none;

import dev.conveyor.model.pipeline.ActionTypeId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The providers AWS CodePipeline offers, with the artifact counts and configuration properties of the CodePipeline
 * User Guide's action structure reference (one page per provider) and its "Valid input and output artifacts for
 * each action type" table. Where the two disagree, the provider's own page wins, because the table lags behind
 * (it still lists CodeStarSourceConnection under owner ThirdParty, which the provider page and every SDK call AWS).
 *
 * <p>A property that a page marks "conditional" (required only in some modes, such as CloudFormation's
 * {@code TemplatePath}) is optional here: the validator refuses only what is wrong in every mode.
 */
public final class BuiltInActionTypes implements ActionTypeRegistry {
    public static final ActionTypeId COMMANDS = new ActionTypeId("Compute", "AWS", "Commands", "1");
    public static final ActionTypeId MANUAL_APPROVAL = new ActionTypeId("Approval", "AWS", "Manual", "1");
    public static final String CODESTAR_SOURCE_CONNECTION = "CodeStarSourceConnection";

    private static final BuiltInActionTypes INSTANCE = new BuiltInActionTypes();

    private final Map<ActionTypeId, ActionTypeDefinition> byId;
    private final List<ActionTypeDefinition> ordered;

    private BuiltInActionTypes() {
        Map<ActionTypeId, ActionTypeDefinition> map = new LinkedHashMap<>();
        for (ActionTypeDefinition definition : definitions()) {
            map.put(definition.id(), definition);
        }
        this.byId = Map.copyOf(map);
        this.ordered = List.copyOf(map.values());
    }

    /** The shared, immutable instance. */
    public static BuiltInActionTypes instance() {
        return INSTANCE;
    }

    @Override
    public Optional<ActionTypeDefinition> find(ActionTypeId id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public List<ActionTypeDefinition> all() {
        return ordered;
    }

    private static List<ActionTypeDefinition> definitions() {
        List<ActionTypeDefinition> all = new ArrayList<>();
        all.addAll(sources());
        all.addAll(buildsAndTests());
        all.addAll(deploys());
        all.add(type("Approval", "Manual").inputs(none()).outputs(none())
                .optional("NotificationArn", "CustomData", "ExternalEntityLink").build());
        all.addAll(invokes());
        // Compute/Commands declares its work in the action's commands and outputVariables members, not in
        // configuration; it is V2 only (action-reference-Commands).
        all.add(type("Compute", "Commands").inputs(between(1, 10)).outputs(between(0, 1)).v2Only().build());
        return all;
    }

    private static List<ActionTypeDefinition> sources() {
        return List.of(
                type("Source", "S3").inputs(none()).outputs(exactly(1))
                        .required("S3Bucket", "S3ObjectKey")
                        .optionalBoolean("PollForSourceChanges").build(),
                type("Source", "CodeCommit").inputs(none()).outputs(exactly(1))
                        .required("RepositoryName", "BranchName")
                        .optionalBoolean("PollForSourceChanges")
                        .optional("OutputArtifactFormat").build(),
                // ImageTag defaults to "latest" when absent (the AWS CDK omits it), so it is not required.
                type("Source", "ECR").inputs(none()).outputs(exactly(1))
                        .required("RepositoryName")
                        .optional("ImageTag").build(),
                type("Source", CODESTAR_SOURCE_CONNECTION).inputs(none()).outputs(exactly(1))
                        .required("ConnectionArn", "FullRepositoryId", "BranchName")
                        .optional("OutputArtifactFormat")
                        .optionalBoolean("DetectChanges").build(),
                // GitHub version 1 (OAuth app), owner ThirdParty.
                type("Source", "ThirdParty", "GitHub").inputs(none()).outputs(exactly(1))
                        .required("Owner", "Repo", "Branch")
                        .property(ConfigurationProperty.required("OAuthToken").asSecret())
                        .optionalBoolean("PollForSourceChanges").build());
    }

    private static List<ActionTypeDefinition> buildsAndTests() {
        List<ActionTypeDefinition> list = new ArrayList<>();
        for (String category : List.of("Build", "Test")) {
            list.add(type(category, "CodeBuild").inputs(between(1, 5)).outputs(between(0, 5))
                    .required("ProjectName")
                    .optional("PrimarySource", "EnvironmentVariables")
                    .optionalBoolean("BatchEnabled", "CombineArtifacts").build());
        }
        list.add(type("Build", "ECRBuildAndPublish").inputs(exactly(1)).outputs(none())
                .required("ECRRepositoryName")
                .optional("DockerFilePath", "ImageTags", "RegistryType").v2Only().build());
        // AppiumVersion is marked "Required: Yes" but the same page says its value is ignored, and the page's own
        // example omits it; requiring it would refuse AWS's example, so it is optional.
        list.add(type("Test", "DeviceFarm").inputs(exactly(1)).outputs(none())
                .required("AppType", "ProjectId", "App", "DevicePoolArn", "TestType")
                .optional("AppiumVersion", "Test", "FuzzRandomizerSeed", "CustomHostMachineArtifacts",
                        "CustomDeviceArtifacts", "Latitude", "Longitude")
                .optionalBoolean("RadioBluetoothEnabled", "RecordAppPerformanceData", "RecordVideo",
                        "RadioWifiEnabled", "RadioNfcEnabled", "RadioGpsEnabled", "UnmeteredDevicesOnly")
                .optionalNumber("FuzzEventCount", "FuzzEventThrottle", "JobTimeoutMinutes").build());
        return list;
    }

    private static List<ActionTypeDefinition> deploys() {
        return List.of(
                type("Deploy", "S3").inputs(exactly(1)).outputs(none())
                        .required("BucketName")
                        .property(ConfigurationProperty.required("Extract").ofType(ConfigurationPropertyType.BOOLEAN))
                        .optional("ObjectKey", "KMSEncryptionKeyARN", "CannedACL", "CacheControl").build(),
                type("Deploy", "CodeDeploy").inputs(exactly(1)).outputs(none())
                        .required("ApplicationName", "DeploymentGroupName").build(),
                type("Deploy", "CodeDeployToECS").inputs(between(1, 5)).outputs(none())
                        .required("ApplicationName", "DeploymentGroupName", "TaskDefinitionTemplateArtifact",
                                "AppSpecTemplateArtifact")
                        .optional("AppSpecTemplatePath", "TaskDefinitionTemplatePath",
                                "Image1ArtifactName", "Image1ContainerName", "Image2ArtifactName", "Image2ContainerName",
                                "Image3ArtifactName", "Image3ContainerName", "Image4ArtifactName", "Image4ContainerName")
                        .build(),
                type("Deploy", "ECS").inputs(exactly(1)).outputs(none())
                        .required("ClusterName", "ServiceName")
                        .optional("FileName")
                        .optionalNumber("DeploymentTimeout").build(),
                type("Deploy", "ElasticBeanstalk").inputs(exactly(1)).outputs(none())
                        .required("ApplicationName", "EnvironmentName").build(),
                // Capabilities, ChangeSetName, RoleArn and TemplatePath are required by some action modes only.
                type("Deploy", "CloudFormation").inputs(between(0, 10)).outputs(between(0, 1))
                        .required("ActionMode", "StackName")
                        .optional("Capabilities", "ChangeSetName", "RoleArn", "TemplatePath", "OutputFileName",
                                "ParameterOverrides", "TemplateConfiguration").build(),
                type("Deploy", "CloudFormationStackSet").inputs(between(1, 3)).outputs(none())
                        .required("StackSetName", "TemplatePath")
                        .optional("Description", "Parameters", "Capabilities", "PermissionModel",
                                "AdministrationRoleArn", "ExecutionRoleName", "OrganizationsAutoDeployment",
                                "DeploymentTargets", "Regions")
                        .optionalNumber("FailureTolerancePercentage", "MaxConcurrentPercentage").build(),
                type("Deploy", "CloudFormationStackInstances").inputs(between(0, 2)).outputs(none())
                        .required("StackSetName", "Regions")
                        .optional("DeploymentTargets", "ParameterOverrides")
                        .optionalNumber("FailureTolerancePercentage", "MaxConcurrentPercentage").build(),
                type("Deploy", "OpsWorks").inputs(exactly(1)).outputs(none())
                        .required("Stack", "App")
                        .optional("Layer").build(),
                // ServiceCatalog deploys either from a configuration file (ConfigurationFilePath) or from a template
                // (TemplateFilePath, ProductVersionName, ProductType); only ProductId is needed in both modes.
                type("Deploy", "ServiceCatalog").inputs(exactly(1)).outputs(none())
                        .required("ProductId")
                        .optional("ConfigurationFilePath", "TemplateFilePath", "ProductVersionName",
                                "ProductVersionDescription", "ProductType").build(),
                type("Deploy", "AppConfig").inputs(exactly(1)).outputs(none())
                        .required("Application", "Environment", "ConfigurationProfile", "InputArtifactConfigurationPath")
                        .optional("DeploymentStrategy").build(),
                type("Deploy", "ThirdParty", "AlexaSkillsKit").inputs(between(1, 2)).outputs(none())
                        .required("ClientId")
                        .property(ConfigurationProperty.required("ClientSecret").asSecret())
                        .property(ConfigurationProperty.required("RefreshToken").asSecret())
                        .required("SkillId").build(),
                // Helm and kubectl options are each required for one deployment tool only.
                type("Deploy", "EKS").inputs(exactly(1)).outputs(none())
                        .required("ClusterName")
                        .optional("HelmReleaseName", "HelmChartLocation", "HelmValuesFiles", "ManifestFiles",
                                "Namespace", "Subnets", "SecurityGroupIds").v2Only().build(),
                // TargetDirectory/PostScript (inline scripts) and DeploySpec are alternatives.
                type("Deploy", "EC2").inputs(exactly(1)).outputs(none())
                        .required("InstanceTagKey", "InstanceType")
                        .optional("InstanceTagValue", "TargetDirectory", "DeploySpec", "MaxBatch", "MaxError",
                                "TargetGroupNameList", "PreScript", "PostScript").v2Only().build(),
                // The input artifact is optional: PublishedTargetVersion "is required if no input artifact is
                // provided". The Lambda deploy action produces no output artifact.
                type("Deploy", "Lambda").inputs(between(0, 1)).outputs(none())
                        .required("FunctionName")
                        .optional("FunctionAlias", "PublishedTargetVersion", "DeployStrategy").v2Only().build());
    }

    private static List<ActionTypeDefinition> invokes() {
        return List.of(
                type("Invoke", "Lambda").inputs(between(0, 5)).outputs(between(0, 5))
                        .required("FunctionName")
                        .optional("UserParameters").build(),
                type("Invoke", "StepFunctions").inputs(between(0, 1)).outputs(between(0, 1))
                        .required("StateMachineArn")
                        .optional("ExecutionNamePrefix", "InputType", "Input").build(),
                // InspectorScan is an Invoke action (not Build); an ECR image scan needs no input artifact.
                type("Invoke", "InspectorScan").inputs(between(0, 1)).outputs(exactly(1))
                        .required("InspectorRunMode")
                        .optional("ECRRepositoryName", "ImageTag")
                        .optionalNumber("CriticalThreshold", "HighThreshold", "MediumThreshold", "LowThreshold").build(),
                type("Invoke", "CodePipeline").inputs(none()).outputs(none())
                        .required("PipelineName")
                        .optional("SourceRevisions", "Variables").v2Only().build());
    }

    private static Draft type(String category, String provider) {
        return new Draft(new ActionTypeId(category, ActionTypeDefinition.OWNER_AWS, provider, "1"));
    }

    private static Draft type(String category, String owner, String provider) {
        return new Draft(new ActionTypeId(category, owner, provider, "1"));
    }

    /** Collects one definition; every built-in type is version 1. */
    private static final class Draft {
        private final ActionTypeId id;
        private final List<ConfigurationProperty> properties = new ArrayList<>();
        private ArtifactCount inputs;
        private ArtifactCount outputs;
        private boolean v2Only;

        Draft(ActionTypeId id) {
            this.id = id;
        }

        Draft inputs(ArtifactCount count) {
            this.inputs = count;
            return this;
        }

        Draft outputs(ArtifactCount count) {
            this.outputs = count;
            return this;
        }

        Draft required(String... names) {
            Arrays.stream(names).map(ConfigurationProperty::required).forEach(properties::add);
            return this;
        }

        Draft optional(String... names) {
            Arrays.stream(names).map(ConfigurationProperty::optional).forEach(properties::add);
            return this;
        }

        Draft optionalBoolean(String... names) {
            Arrays.stream(names).map(n -> ConfigurationProperty.optional(n).ofType(ConfigurationPropertyType.BOOLEAN))
                    .forEach(properties::add);
            return this;
        }

        Draft optionalNumber(String... names) {
            Arrays.stream(names).map(n -> ConfigurationProperty.optional(n).ofType(ConfigurationPropertyType.NUMBER))
                    .forEach(properties::add);
            return this;
        }

        Draft property(ConfigurationProperty property) {
            properties.add(property);
            return this;
        }

        Draft v2Only() {
            this.v2Only = true;
            return this;
        }

        ActionTypeDefinition build() {
            return new ActionTypeDefinition(id, inputs, outputs, properties, TypeSettings.NONE, v2Only);
        }
    }
}
