package dev.conveyor.engine.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class AgentLabelsTest {
    private static String job(String labels) {
        String configuration = labels == null ? "{}" : "{\"" + AgentLabels.CONFIGURATION_KEY + "\": \"" + labels + "\"}";
        return "{\"jobData\": {\"actionConfiguration\": {\"configuration\": " + configuration + "}}}";
    }

    @Test
    void anActionWithoutLabelsRunsOnAnyAgent() {
        assertThat(AgentLabels.satisfies(Set.of(), job(null))).isTrue();
        assertThat(AgentLabels.satisfies(Set.of("linux"), job(null))).isTrue();
    }

    @Test
    void anAgentMustHaveEveryLabelTheActionNames() {
        assertThat(AgentLabels.satisfies(Set.of("linux", "docker", "gpu"), job("linux, docker"))).isTrue();
        assertThat(AgentLabels.satisfies(Set.of("linux"), job("linux,docker"))).isFalse();
        assertThat(AgentLabels.satisfies(Set.of(), job("linux"))).isFalse();
    }

    @Test
    void labelListsIgnoreBlanksAndSpaces() {
        assertThat(AgentLabels.parse(" a, ,b ,")).containsExactlyInAnyOrder("a", "b");
    }
}
