package dev.conveyor.engine.rules;

import dev.conveyor.artifacts.S3Location;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One look at a rule execution, as its provider sees it: the rule's configuration with variables resolved, its
 * commands, its input artifacts (by name, from the execution), and what the provider kept at its previous look.
 */
public record RuleRun(String ruleExecutionId, String pipelineName, String pipelineExecutionId, String stageName,
                      String ruleName, String region, Map<String, String> configuration, List<String> commands,
                      Map<String, S3Location> inputArtifacts, String state, Instant startedAt, Instant now) {
}
