package dev.conveyor.model.servicemodel;

import static dev.conveyor.model.fixtures.PipelineFixtures.validPipeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.errors.SerializationException;
import dev.conveyor.model.errors.ValidationException;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.model.validation.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** ShapeValidator over the real CodePipeline model, on CreatePipeline requests built from the valid fixture. */
class ShapeValidatorTest {
    private final ServiceModel model = ServiceModel.codePipeline();
    private final ShapeValidator validator = new ShapeValidator(model);
    private final ServiceModel.Operation createPipeline = model.operation("CreatePipeline").orElseThrow();

    private ObjectNode request() {
        ObjectNode body = ConveyorJson.mapper().createObjectNode();
        body.set("pipeline", ConveyorJson.mapper().valueToTree(validPipeline().build()));
        return body;
    }

    private static ObjectNode pipeline(ObjectNode request) {
        return (ObjectNode) request.get("pipeline");
    }

    private static ObjectNode buildAction(ObjectNode request) {
        return (ObjectNode) pipeline(request).get("stages").get(1).get("actions").get(0);
    }

    private List<Violation> validate(JsonNode body) {
        return validator.validateInput(createPipeline, body);
    }

    @Test
    void acceptsTheValidFixture() {
        assertThat(validate(request())).isEmpty();
    }

    @Test
    void reportsAMissingRequiredMember() {
        ObjectNode request = request();
        pipeline(request).remove("roleArn");

        assertThat(validate(request)).singleElement().satisfies(violation -> {
            assertThat(violation.type()).isEqualTo(ValidationException.class);
            assertThat(violation.path()).isEqualTo("pipeline.roleArn");
            assertThat(violation.message()).contains("Member must not be null");
        });
    }

    @Test
    void reportsAPipelineNameThatBreaksThePattern() {
        ObjectNode request = request();
        pipeline(request).put("name", "my pipeline");

        assertThat(validate(request)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(ValidationException.class, "pipeline.name"));
    }

    @Test
    void reportsAPipelineNameLongerThanOneHundredCharacters() {
        ObjectNode request = request();
        pipeline(request).put("name", "p".repeat(101));

        assertThat(validate(request)).singleElement().satisfies(violation -> {
            assertThat(violation.path()).isEqualTo("pipeline.name");
            assertThat(violation.message()).contains("length less than or equal to 100");
        });
    }

    @Test
    void reportsAValueOutsideAnEnum() {
        ObjectNode request = request();
        pipeline(request).put("pipelineType", "V3");

        assertThat(validate(request)).singleElement().satisfies(violation -> {
            assertThat(violation.type()).isEqualTo(ValidationException.class);
            assertThat(violation.path()).isEqualTo("pipeline.pipelineType");
            assertThat(violation.message()).contains("enum value set: [V1, V2]");
        });
    }

    @Test
    void reportsARunOrderOfZero() {
        ObjectNode request = request();
        buildAction(request).put("runOrder", 0);

        assertThat(validate(request)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(ValidationException.class, "pipeline.stages[1].actions[0].runOrder"));
    }

    @Test
    void reportsARunOrderOfOneThousand() {
        ObjectNode request = request();
        buildAction(request).put("runOrder", 1000);

        assertThat(validate(request)).singleElement().satisfies(violation -> {
            assertThat(violation.path()).isEqualTo("pipeline.stages[1].actions[0].runOrder");
            assertThat(violation.message()).contains("value less than or equal to 999");
        });
    }

    @Test
    void acceptsRunOrdersOneAndNineHundredNinetyNine() {
        ObjectNode low = request();
        buildAction(low).put("runOrder", 1);
        ObjectNode high = request();
        buildAction(high).put("runOrder", 999);

        assertThat(validate(low)).isEmpty();
        assertThat(validate(high)).isEmpty();
    }

    @Test
    void reportsAWrongJsonTypeAsASerializationException() {
        ObjectNode request = request();
        pipeline(request).put("stages", "Source,Build");

        assertThat(validate(request)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(SerializationException.class, "pipeline.stages"));
    }

    @Test
    void reportsEveryBrokenMemberAtOnce() {
        ObjectNode request = request();
        pipeline(request).put("name", "my pipeline");
        buildAction(request).put("runOrder", 0);

        assertThat(validate(request)).extracting(Violation::path)
                .containsExactly("pipeline.name", "pipeline.stages[1].actions[0].runOrder");
    }

    @Test
    void everyPatternInTheServiceModelCompilesAsAJavaRegex() {
        List<String> patterns = new ArrayList<>();
        for (String name : model.shapeNames()) {
            JsonNode pattern = model.shape(name).get("pattern");
            if (pattern != null) {
                patterns.add(pattern.asText());
            }
        }

        assertThat(patterns).isNotEmpty();
        assertThat(patterns).allSatisfy(regex ->
                assertThatCode(() -> Pattern.compile(regex)).as(regex).doesNotThrowAnyException());
    }

    @Test
    void reportsANulCharacterWithoutEchoingTheValue() {
        ObjectNode request = request();
        pipeline(request).put("roleArn", "arn:aws:iam::000000000000:role/x\u0000y");

        assertThat(validate(request)).singleElement().satisfies(violation -> {
            assertThat(violation.type()).isEqualTo(ValidationException.class);
            assertThat(violation.path()).isEqualTo("pipeline.roleArn");
            assertThat(violation.message()).contains("NUL").doesNotContain("\u0000");
        });
    }

    @Test
    void reportsANulCharacterInAMapKey() {
        ServiceModel.Operation poll = model.operation("PollForJobs").orElseThrow();
        ObjectNode request = ConveyorJson.mapper().createObjectNode();
        request.putObject("actionTypeId").put("category", "Build").put("owner", "Custom").put("provider", "p").put("version", "1");
        request.putObject("queryParam").put("key\u0000", "value");

        assertThat(validator.validateInput(poll, request)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(ValidationException.class, "queryParam.key\u0000"));
    }

    @Test
    void reportsANullInsideAList() {
        ServiceModel.Operation createCustomActionType = model.operation("CreateCustomActionType").orElseThrow();
        ObjectNode request = customActionType();
        request.putArray("tags").addNull();

        assertThat(validator.validateInput(createCustomActionType, request)).singleElement().satisfies(violation -> {
            assertThat(violation.type()).isEqualTo(ValidationException.class);
            assertThat(violation.path()).isEqualTo("tags[0]");
            assertThat(violation.message()).contains("Member must not be null");
        });
    }

    @Test
    void acceptsANullOptionalMemberAsAbsent() {
        ServiceModel.Operation createCustomActionType = model.operation("CreateCustomActionType").orElseThrow();
        ObjectNode request = customActionType();
        request.putArray("configurationProperties").addObject()
                .put("name", "Url").put("required", true).put("key", false).put("secret", false).putNull("type");

        assertThat(validator.validateInput(createCustomActionType, request)).isEmpty();
    }

    @Test
    void reportsATimestampStringThatIsNotADate() {
        ServiceModel.Operation putActionRevision = model.operation("PutActionRevision").orElseThrow();
        ObjectNode request = actionRevision();
        ((ObjectNode) request.get("actionRevision")).put("created", "yesterday");

        assertThat(validator.validateInput(putActionRevision, request)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(SerializationException.class, "actionRevision.created"));
    }

    @Test
    void acceptsTimestampsAsEpochSecondsOrIso8601() {
        ServiceModel.Operation putActionRevision = model.operation("PutActionRevision").orElseThrow();
        for (String created : List.of("1767225600", "1767225600.5", "2026-01-01T00:00:00Z", "2026-01-01T01:00:00+01:00")) {
            ObjectNode request = actionRevision();
            ((ObjectNode) request.get("actionRevision")).put("created", created);
            assertThat(validator.validateInput(putActionRevision, request)).as(created).isEmpty();
        }
    }

    @Test
    void reportsATimestampBeyondTheYear9999() {
        ServiceModel.Operation putActionRevision = model.operation("PutActionRevision").orElseThrow();
        ObjectNode request = actionRevision();
        ((ObjectNode) request.get("actionRevision")).put("created", new java.math.BigDecimal("1e20"));

        assertThat(validator.validateInput(putActionRevision, request)).extracting(Violation::path)
                .containsExactly("actionRevision.created");
    }

    @Test
    void reportsAnIntegerTooWideForItsShape() {
        ObjectNode request = request();
        ((ObjectNode) buildAction(request)).put("runOrder", 3_000_000_000L + 1);

        assertThat(validate(request)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(ValidationException.class, "pipeline.stages[1].actions[0].runOrder"));
    }

    private static ObjectNode customActionType() {
        ObjectNode request = ConveyorJson.mapper().createObjectNode();
        request.put("category", "Build").put("provider", "MyBuilder").put("version", "1");
        request.putObject("inputArtifactDetails").put("minimumCount", 0).put("maximumCount", 1);
        request.putObject("outputArtifactDetails").put("minimumCount", 0).put("maximumCount", 1);
        return request;
    }

    private static ObjectNode actionRevision() {
        ObjectNode request = ConveyorJson.mapper().createObjectNode();
        request.put("pipelineName", "p").put("stageName", "Source").put("actionName", "Source");
        request.putObject("actionRevision").put("revisionId", "r1").put("revisionChangeId", "c1").put("created", 1_767_225_600);
        return request;
    }

}
