package dev.conveyor.engine.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.json.ConveyorJson;
import java.io.IOException;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which agents may run a job: an action may name labels in its configuration key {@value #CONFIGURATION_KEY}
 * (comma-separated, a Conveyor extension that CodePipeline ignores), and only an agent having all of them takes
 * its jobs. Actions without labels run on any agent.
 */
public final class AgentLabels {
    public static final String CONFIGURATION_KEY = "ConveyorAgentLabels";

    private AgentLabels() {
    }

    /** The labels a job needs, from its stored data. */
    public static Set<String> required(String jobDataJson) {
        try {
            JsonNode value = ConveyorJson.mapper().readTree(jobDataJson).path("jobData").path("actionConfiguration")
                    .path("configuration").path(CONFIGURATION_KEY);
            return parse(value.asText(""));
        } catch (IOException e) {
            throw new IllegalStateException("corrupt job data", e);
        }
    }

    public static Set<String> parse(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }

    /** Whether an agent with {@code agentLabels} may run the job. */
    public static boolean satisfies(Set<String> agentLabels, String jobDataJson) {
        return agentLabels.containsAll(required(jobDataJson));
    }
}
