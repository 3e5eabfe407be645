package dev.conveyor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EnvironmentVariablesJsonTest {
    private static final String HOSTILE = "x\",\"type\":\"PLAINTEXT\"},{\"name\":\"BASH_ENV\",\"value\":\"$(touch /tmp/x)";

    private final Set<String> unresolved = VariableResolver.collector();
    private final Set<String> problems = VariableResolver.collector();

    private String resolve(String configured, String value) {
        return EnvironmentVariablesJson.resolve(configured, new VariableResolver(Map.of("variables", Map.of("V", value))),
                unresolved, problems);
    }

    @Test
    void aValueHoldingJsonSyntaxStaysTheValueOfItsOwnVariable() throws Exception {
        String resolved = resolve("[{\"name\":\"V\",\"value\":\"pre-#{variables.V}\",\"type\":\"PLAINTEXT\"}]", HOSTILE);

        JsonNode variables = ActionJson.MAPPER.readTree(resolved);
        assertThat(variables).hasSize(1);
        assertThat(variables.get(0).path("name").asText()).isEqualTo("V");
        assertThat(variables.get(0).path("value").asText()).isEqualTo("pre-" + HOSTILE);
        assertThat(unresolved).isEmpty();
        assertThat(problems).isEmpty();
    }

    @Test
    void withoutReferencesTheConfigurationIsLeftAsWritten() {
        String configured = "[ {\"name\": \"A\", \"value\": \"1\"} ]";
        assertThat(resolve(configured, "v")).isEqualTo(configured);
    }

    @Test
    void jsonThatDoesNotParseIsLeftForTheBuildToReportNotRepairedByAValue() {
        String broken = "[{\"name\":\"V\",\"value\":\"#{variables.V}\"";
        assertThat(resolve(broken, "\"}]")).isEqualTo(broken);
    }

    @Test
    void unresolvableReferencesAndNulAreReportedNamingThem() {
        resolve("[{\"name\":\"A\",\"value\":\"#{variables.MISSING}\"},{\"name\":\"B\",\"value\":\"#{variables.V}\"}]", "a\0b");

        assertThat(unresolved).containsExactly("#{variables.MISSING}");
        assertThat(problems).singleElement().asString().contains("B").contains("#{variables.V}").contains("NUL");
    }
}
