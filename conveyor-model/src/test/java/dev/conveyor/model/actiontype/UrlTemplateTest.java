package dev.conveyor.model.actiontype;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.model.pipeline.ActionTypeId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UrlTemplateTest {
    private static final ActionTypeDefinition JENKINS = new ActionTypeDefinition(
            new ActionTypeId("Build", "Custom", "Jenkins", "1"), ArtifactCount.between(0, 5), ArtifactCount.between(0, 5),
            List.of(ConfigurationProperty.required("ProjectName"), ConfigurationProperty.optional("ApiToken").asSecret()),
            // The templates of the AWS CLI's create-custom-action-type example, plus a revision page.
            new TypeSettings("https://192.0.2.4/job/{Config:ProjectName}/",
                    "https://192.0.2.4/job/{Config:ProjectName}/lastSuccessfulBuild/{ExternalExecutionId}/",
                    "https://192.0.2.4/job/{Config:ProjectName}/changes", "https://192.0.2.4/signup"),
            false);

    @Test
    void fillsConfigurationValuesAndTheExternalExecutionIdAsTheCliExampleShows() {
        Map<String, String> configuration = Map.of("ProjectName", "MyJenkinsProject");

        assertThat(JENKINS.entityUrl(configuration)).contains("https://192.0.2.4/job/MyJenkinsProject/");
        assertThat(JENKINS.revisionUrl(configuration)).contains("https://192.0.2.4/job/MyJenkinsProject/changes");
        assertThat(JENKINS.executionUrl(configuration, "42"))
                .contains("https://192.0.2.4/job/MyJenkinsProject/lastSuccessfulBuild/42/");
    }

    @Test
    void givesNoUrlRatherThanAHalfFilledOne() {
        assertThat(JENKINS.executionUrl(Map.of("ProjectName", "p"), null)).as("no external id yet").isEmpty();
        assertThat(JENKINS.entityUrl(Map.of())).as("configuration key left out").isEmpty();
        assertThat(JENKINS.entityUrl(Map.of("ProjectName", "#{SourceVariables.BranchName}")))
                .as("an unresolved variable reference").isEmpty();
        ActionTypeDefinition leaky = new ActionTypeDefinition(JENKINS.id(), JENKINS.inputArtifacts(),
                JENKINS.outputArtifacts(), JENKINS.configurationProperties(),
                new TypeSettings("https://x/{Config:ApiToken}", null, null, null), false);
        assertThat(leaky.entityUrl(Map.of("ProjectName", "p", "ApiToken", "t0ken"))).as("a secret property").isEmpty();
        assertThat(UrlTemplate.fill("https://x/{BuildNumber}", Map.of(), key -> false, "1"))
                .as("a placeholder CodePipeline does not define").isEmpty();
        assertThat(UrlTemplate.fill(null, Map.of(), key -> false, "1")).as("no template").isEmpty();
    }

    @Test
    void keepsUrlCharactersOfAValueAndEncodesOnlyWhatAUrlCannotHold() {
        assertThat(UrlTemplate.fill("https://git.example.com/{Config:FullRepositoryId}/tree/{Config:BranchName}",
                Map.of("FullRepositoryId", "my-org/my-repo", "BranchName", "feature x/ü"), key -> false, null))
                .contains("https://git.example.com/my-org/my-repo/tree/feature%20x/%C3%BC");
    }

    @Test
    void aTemplateWithoutPlaceholdersIsItsOwnUrl() {
        assertThat(UrlTemplate.fill("https://192.0.2.4/", Map.of(), key -> false, null)).contains("https://192.0.2.4/");
    }
}
