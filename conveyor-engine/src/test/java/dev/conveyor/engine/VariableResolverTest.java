package dev.conveyor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VariableResolverTest {
    private final VariableResolver resolver = new VariableResolver(Map.of(
            "codepipeline", Map.of("PipelineExecutionId", "e-1"),
            "variables", Map.of("ENV", "staging"),
            "BuildVariables", Map.of("IMAGE_TAG", "v1.2.3", "WITH_DOLLAR", "a$1\\b")));

    @Test
    void resolvesEveryKindOfReferenceInOneValue() {
        VariableResolver.Resolution r = resolver.resolve("deploy #{BuildVariables.IMAGE_TAG} to #{variables.ENV} (#{codepipeline.PipelineExecutionId})");
        assertThat(r.ok()).isTrue();
        assertThat(r.value()).isEqualTo("deploy v1.2.3 to staging (e-1)");
    }

    @Test
    void namesEveryReferenceItCannotResolveAndLeavesThemInPlace() {
        VariableResolver.Resolution r = resolver.resolve("#{BuildVariables.MISSING} and #{Nowhere.X} but #{variables.ENV}");
        assertThat(r.unresolved()).containsExactly("#{BuildVariables.MISSING}", "#{Nowhere.X}");
        assertThat(r.value()).isEqualTo("#{BuildVariables.MISSING} and #{Nowhere.X} but staging");
    }

    @Test
    void valuesAreInsertedLiterallyEvenWithRegexSpecialCharacters() {
        assertThat(resolver.resolve("x=#{BuildVariables.WITH_DOLLAR}").value()).isEqualTo("x=a$1\\b");
    }

    @Test
    void textWithoutReferencesIsReturnedAsIs() {
        assertThat(resolver.resolve("plain # { text }").value()).isEqualTo("plain # { text }");
        assertThat(resolver.resolve(null).value()).isNull();
    }

    @Test
    void resolvingACollectionGathersAllUnresolvedReferences() {
        Set<String> unresolved = VariableResolver.collector();
        List<String> commands = resolver.resolveAll(List.of("echo #{variables.ENV}", "echo #{variables.NOPE}"), unresolved);
        assertThat(commands).containsExactly("echo staging", "echo #{variables.NOPE}");
        assertThat(unresolved).containsExactly("#{variables.NOPE}");
    }
}
