package dev.conveyor.model.actiontype;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.errors.ValidationException;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.model.pipeline.ActionTypeId;
import dev.conveyor.model.servicemodel.ServiceModel;
import dev.conveyor.model.servicemodel.ShapeValidator;
import dev.conveyor.model.validation.Violation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every row of the CodePipeline User Guide's table "Valid input and output artifacts for each action type"
 * (reference-action-artifacts), as the table prints it: owner, category, provider, inputs, outputs.
 */
class ArtifactCountTableTest {
    private final BuiltInActionTypes types = BuiltInActionTypes.instance();

    @ParameterizedTest(name = "{0} {1} {2}: {3} in, {4} out")
    @CsvSource(delimiter = '|', textBlock = """
            AWS        | Source   | S3                       | 0      | 1
            AWS        | Source   | CodeCommit               | 0      | 1
            AWS        | Source   | ECR                      | 0      | 1
            ThirdParty | Source   | CodeStarSourceConnection | 0      | 1
            AWS        | Build    | CodeBuild                | 1 to 5 | 0 to 5
            AWS        | Test     | CodeBuild                | 1 to 5 | 0 to 5
            AWS        | Test     | DeviceFarm               | 1      | 0
            AWS        | Approval | ThirdParty               | 0      | 0
            AWS        | Deploy   | S3                       | 1      | 0
            AWS        | Deploy   | CloudFormation           | 0 to 10| 0 to 1
            AWS        | Deploy   | CodeDeploy               | 1      | 0
            AWS        | Deploy   | ElasticBeanstalk         | 1      | 0
            AWS        | Deploy   | OpsWorks                 | 1      | 0
            AWS        | Deploy   | ECS                      | 1      | 0
            AWS        | Deploy   | ServiceCatalog           | 1      | 0
            AWS        | Invoke   | Lambda                   | 0 to 5 | 0 to 5
            ThirdParty | Deploy   | AlexaSkillsKit           | 1 to 2 | 0
            """)
    void everyBuiltInRowOfTheTableIsWhatTheTypeAccepts(String owner, String category, String provider,
                                                       String inputs, String outputs) {
        ActionTypeDefinition type = types.find(idOf(owner, category, provider)).orElseThrow();

        assertThat(type.inputArtifacts()).as("input artifacts").isEqualTo(count(inputs));
        assertThat(type.outputArtifacts()).as("output artifacts").isEqualTo(count(outputs));
    }

    /**
     * The last rows are for custom types (Jenkins, and "any supported category, as specified in the custom action"):
     * a custom type declares its own counts with CreateCustomActionType, and the service model's ArtifactDetails
     * bounds them to 0..5, which ShapeValidator enforces.
     */
    @ParameterizedTest(name = "Custom {0} {1}: {2} in, {3} out")
    @CsvSource(delimiter = '|', textBlock = """
            Build  | Jenkins                 | 0 to 5 | 0 to 5
            Test   | Jenkins                 | 0 to 5 | 0 to 5
            Deploy | MyDeployer              | 0 to 5 | 0 to 5
            """)
    void customTypesMayDeclareTheTablesRangeAndNoMore(String category, String provider, String inputs, String outputs) {
        ShapeValidator validator = new ShapeValidator(ServiceModel.codePipeline());
        ServiceModel.Operation create = ServiceModel.codePipeline().operation("CreateCustomActionType").orElseThrow();
        ArtifactCount in = count(inputs);
        ArtifactCount out = count(outputs);

        assertThat(validator.validateInput(create, customType(category, provider, in, out))).isEmpty();
        assertThat(validator.validateInput(create, customType(category, provider,
                new ArtifactCount(in.minimumCount(), in.maximumCount() + 1), new ArtifactCount(out.minimumCount(), out.maximumCount() + 1))))
                .extracting(Violation::type, Violation::path).containsExactlyInAnyOrder(
                        tuple(ValidationException.class, "inputArtifactDetails.maximumCount"),
                        tuple(ValidationException.class, "outputArtifactDetails.maximumCount"));
    }

    /**
     * The table still lists CodeStarSourceConnection under owner ThirdParty and the manual approval as provider
     * "ThirdParty"; the providers' own pages and every SDK name them AWS/CodeStarSourceConnection and AWS/Manual.
     */
    private static ActionTypeId idOf(String owner, String category, String provider) {
        if (provider.equals("CodeStarSourceConnection")) {
            return new ActionTypeId(category, "AWS", provider, "1");
        }
        if (category.equals("Approval")) {
            return BuiltInActionTypes.MANUAL_APPROVAL;
        }
        return new ActionTypeId(category, owner, provider, "1");
    }

    /** "1", "0 to 5": a count as the table prints it. */
    private static ArtifactCount count(String cell) {
        String[] bounds = cell.strip().split("\\s+to\\s+");
        int min = Integer.parseInt(bounds[0]);
        return new ArtifactCount(min, bounds.length == 1 ? min : Integer.parseInt(bounds[1]));
    }

    private static ObjectNode customType(String category, String provider, ArtifactCount in, ArtifactCount out) {
        ObjectNode request = ConveyorJson.mapper().createObjectNode();
        request.put("category", category).put("provider", provider).put("version", "1");
        request.putObject("inputArtifactDetails").put("minimumCount", in.minimumCount()).put("maximumCount", in.maximumCount());
        request.putObject("outputArtifactDetails").put("minimumCount", out.minimumCount()).put("maximumCount", out.maximumCount());
        return request;
    }
}
