package dev.conveyor.providers.codebuild;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * What the server tells a build when it starts: who it is, the project (as the API's Project shape), the
 * environment variables the project and the caller set (secrets resolved), and the values to mask.
 *
 * @param buildId        {@code project:uuid}
 * @param buildArn       the build's ARN
 * @param buildNumber    the project's counter
 * @param initiator      who started it ({@code codepipeline/<pipeline>}, or the caller's name)
 * @param project        the project definition
 * @param variables      environment variables from the project, then the caller's overrides, resolved
 * @param secretValues   values that must never appear in the log
 * @param sourceVersions source identifier (input artifact name; "" for the primary source) → revision
 * @param region         the region, for AWS_REGION and ARNs
 * @param logUrl         where the build's log can be read, for people
 */
public record BuildStart(String buildId, String buildArn, long buildNumber, String initiator, JsonNode project,
                         Map<String, String> variables, List<String> secretValues, Map<String, String> sourceVersions, String region,
                         String logUrl) {
}
