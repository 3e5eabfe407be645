package dev.conveyor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import org.junit.jupiter.api.Test;

/**
 * Which declarations can leave condition executions behind: the event recorder skips reading them for the others
 * (issue 20), so a declaration said to have none must never write one.
 */
class DeclaredConditionsTest {
    private static final String RULE = """
            {"name":"Check","ruleTypeId":{"category":"Rule","owner":"AWS","provider":"VariableCheck","version":"1"},
             "configuration":{"Variable":"a","Operator":"EQ","Value":"a"}}""";

    private static PipelineDeclaration withDeployStage(String edges) {
        return ConveyorJson.read("""
                {"name":"p","roleArn":"arn:aws:iam::123456789012:role/r","pipelineType":"V2",
                 "artifactStore":{"type":"S3","location":"b"},
                 "stages":[
                  {"name":"Source","actions":[{"name":"S","actionTypeId":{"category":"Source","owner":"AWS","provider":"S3","version":"1"},
                    "configuration":{"S3Bucket":"b","S3ObjectKey":"k"},"outputArtifacts":[{"name":"out"}]}]},
                  {"name":"Deploy","actions":[{"name":"D","actionTypeId":{"category":"Approval","owner":"AWS","provider":"Manual","version":"1"}}]%s}]}
                """.formatted(edges.isEmpty() ? "" : "," + edges), PipelineDeclaration.class);
    }

    @Test
    void aPipelineWithoutConditionsDeclaresNone() {
        assertThat(StageOutcomes.declaresConditions(withDeployStage(""))).isFalse();
    }

    @Test
    void aFailureThatOnlyRetriesOrRollsBackDeclaresNone() {
        assertThat(StageOutcomes.declaresConditions(withDeployStage("\"onFailure\":{\"result\":\"ROLLBACK\"}"))).isFalse();
        assertThat(StageOutcomes.declaresConditions(withDeployStage(
                "\"onFailure\":{\"result\":\"RETRY\",\"retryConfiguration\":{\"retryMode\":\"ALL_ACTIONS\"}}"))).isFalse();
        assertThat(StageOutcomes.declaresConditions(withDeployStage("\"onSuccess\":{\"conditions\":[]}"))).isFalse();
    }

    @Test
    void anyEntrySuccessOrFailureConditionCounts() {
        String condition = "{\"conditions\":[{\"result\":\"FAIL\",\"rules\":[" + RULE + "]}]}";
        assertThat(StageOutcomes.declaresConditions(withDeployStage("\"beforeEntry\":" + condition))).isTrue();
        assertThat(StageOutcomes.declaresConditions(withDeployStage("\"onSuccess\":" + condition.replace("FAIL", "ROLLBACK")))).isTrue();
        assertThat(StageOutcomes.declaresConditions(withDeployStage(
                "\"onFailure\":{\"result\":\"ROLLBACK\",\"conditions\":[{\"result\":\"ROLLBACK\",\"rules\":[" + RULE + "]}]}"))).isTrue();
    }
}
