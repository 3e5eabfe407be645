package dev.conveyor.model.actiontype;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.model.fixtures.FixedActionTypeRegistry;
import dev.conveyor.model.pipeline.ActionTypeId;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompositeActionTypeRegistryTest {
    private static final ActionTypeId JENKINS = new ActionTypeId("Build", "Custom", "Jenkins", "1");
    private static final ActionTypeDefinition JENKINS_TYPE = new ActionTypeDefinition(JENKINS,
            ArtifactCount.between(0, 5), ArtifactCount.between(0, 5),
            List.of(ConfigurationProperty.required("ProjectName")), TypeSettings.NONE, false);

    private final CompositeActionTypeRegistry registry =
            CompositeActionTypeRegistry.withBuiltIns(FixedActionTypeRegistry.of(JENKINS_TYPE));

    @Test
    void findsBuiltInTypes() {
        assertThat(registry.find(BuiltInActionTypes.COMMANDS)).isPresent();
    }

    @Test
    void findsCustomTypes() {
        assertThat(registry.find(JENKINS)).contains(JENKINS_TYPE);
        assertThat(JENKINS_TYPE.isCustom()).isTrue();
    }

    @Test
    void listsBuiltInTypesFirstThenCustomOnes() {
        assertThat(registry.all()).hasSize(BuiltInActionTypes.instance().all().size() + 1);
        assertThat(registry.all()).last().isEqualTo(JENKINS_TYPE);
    }

    @Test
    void letsABuiltInTypeWinOverACustomDefinitionWithTheSameId() {
        ActionTypeDefinition impostor = new ActionTypeDefinition(BuiltInActionTypes.COMMANDS,
                ArtifactCount.none(), ArtifactCount.none(), List.of(), TypeSettings.NONE, false);
        CompositeActionTypeRegistry clashing =
                CompositeActionTypeRegistry.withBuiltIns(FixedActionTypeRegistry.of(impostor));

        assertThat(clashing.find(BuiltInActionTypes.COMMANDS)).get().isNotEqualTo(impostor);
        assertThat(clashing.all()).doesNotContain(impostor);
    }
}
