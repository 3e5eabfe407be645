package dev.conveyor.model.servicemodel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.json.ConveyorJson;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** ShapeNormalizer over the real CodePipeline model: what operations see after a request passed validation. */
class ShapeNormalizerTest {
    private final ServiceModel model = ServiceModel.codePipeline();
    private final ShapeNormalizer normalizer = new ShapeNormalizer(model);

    @Test
    void turnsAnIso8601TimestampIntoEpochSeconds() {
        ObjectNode request = ConveyorJson.mapper().createObjectNode();
        request.put("pipelineName", "p").put("stageName", "Source").put("actionName", "Source");
        request.putObject("actionRevision").put("revisionId", "r1").put("revisionChangeId", "c1").put("created", "2026-01-01T00:00:00.250Z");

        normalizer.normalizeInput(model.operation("PutActionRevision").orElseThrow(), request);

        assertThat(request.get("actionRevision").get("created").isNumber()).isTrue();
        assertThat(request.get("actionRevision").get("created").decimalValue()).isEqualByComparingTo(new BigDecimal("1767225600.250"));
    }

    @Test
    void removesMembersSetToNullAtAnyDepth() {
        ObjectNode request = ConveyorJson.mapper().createObjectNode();
        request.put("category", "Build").put("provider", "MyBuilder").put("version", "1").putNull("settings");
        request.putArray("configurationProperties").addObject().put("name", "Url").putNull("type");

        normalizer.normalizeInput(model.operation("CreateCustomActionType").orElseThrow(), request);

        assertThat(request.has("settings")).isFalse();
        assertThat(request.get("configurationProperties").get(0).has("type")).isFalse();
        assertThat(request.get("configurationProperties").get(0).get("name").asText()).isEqualTo("Url");
    }
}
