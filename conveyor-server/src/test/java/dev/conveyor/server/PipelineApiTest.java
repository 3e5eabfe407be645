package dev.conveyor.server;

import static dev.conveyor.server.SamplePipelines.cliExample;
import static dev.conveyor.server.SamplePipelines.codeDeploy;
import static dev.conveyor.server.SamplePipelines.s3Source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.ActionDeclaration;
import software.amazon.awssdk.services.codepipeline.model.OutputArtifact;
import software.amazon.awssdk.services.codepipeline.model.CodePipelineException;
import software.amazon.awssdk.services.codepipeline.model.CreatePipelineResponse;
import software.amazon.awssdk.services.codepipeline.model.ExecutionMode;
import software.amazon.awssdk.services.codepipeline.model.GetPipelineResponse;
import software.amazon.awssdk.services.codepipeline.model.InvalidActionDeclarationException;
import software.amazon.awssdk.services.codepipeline.model.InvalidNextTokenException;
import software.amazon.awssdk.services.codepipeline.model.InvalidStructureException;
import software.amazon.awssdk.services.codepipeline.model.InvalidTagsException;
import software.amazon.awssdk.services.codepipeline.model.ListPipelinesResponse;
import software.amazon.awssdk.services.codepipeline.model.PipelineDeclaration;
import software.amazon.awssdk.services.codepipeline.model.PipelineNameInUseException;
import software.amazon.awssdk.services.codepipeline.model.PipelineNotFoundException;
import software.amazon.awssdk.services.codepipeline.model.PipelineSummary;
import software.amazon.awssdk.services.codepipeline.model.PipelineType;
import software.amazon.awssdk.services.codepipeline.model.PipelineVersionNotFoundException;
import software.amazon.awssdk.services.codepipeline.model.ResourceNotFoundException;
import software.amazon.awssdk.services.codepipeline.model.StageDeclaration;
import software.amazon.awssdk.services.codepipeline.model.Tag;
import software.amazon.awssdk.services.codepipeline.model.TooManyTagsException;
import software.amazon.awssdk.services.codepipeline.model.ValidationException;

/** Pipeline definitions through the AWS SDK for Java v2, on the embedded database and on PostgreSQL. */
@ParameterizedClass(name = "on {0}")
@MethodSource("dev.conveyor.testkit.TestDatabases#both")
class PipelineApiTest {
    private static ServerFixture server;

    @Parameter
    String databaseKind;

    @BeforeParameterizedClassInvocation
    static void startServer(String kind) {
        server = new ServerFixture(kind);
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        server.close();
    }

    private static CodePipelineClient client() {
        return server.client();
    }

    @Test
    void createsAPipelineAndReadsItBackFieldForField() {
        PipelineDeclaration declared = cliExample("roundtrip");
        CreatePipelineResponse created = client().createPipeline(r -> r.pipeline(declared)
                .tags(Tag.builder().key("Project").value("ProjectA").build()));

        assertThat(created.pipeline()).isEqualTo(echoed(declared, 1));
        assertThat(created.tags()).containsExactly(Tag.builder().key("Project").value("ProjectA").build());

        GetPipelineResponse got = client().getPipeline(r -> r.name("roundtrip"));
        assertThat(got.pipeline()).isEqualTo(echoed(declared, 1));
        assertThat(got.metadata().pipelineArn()).isEqualTo("arn:aws:codepipeline:us-east-1:000000000000:roundtrip");
        assertThat(got.metadata().created()).isBefore(Instant.now().plusSeconds(1)).isAfter(Instant.now().minusSeconds(60));
        assertThat(got.metadata().updated()).isEqualTo(got.metadata().created());
    }

    @Test
    void fillsInTheDefaultsCodePipelineFillsInAndKeepsThemInEveryVersion() {
        ActionDeclaration source = s3Source().toBuilder().runOrder(null).build();
        ActionDeclaration approval = ActionDeclaration.builder().name("Approve")
                .actionTypeId(a -> a.category("Approval").owner("AWS").provider("Manual").version("1")).build();
        PipelineDeclaration declared = cliExample("defaults").toBuilder()
                .stages(StageDeclaration.builder().name("Source").actions(source).build(),
                        StageDeclaration.builder().name("Approval").actions(approval).build(),
                        StageDeclaration.builder().name("Beta").actions(codeDeploy().toBuilder().runOrder(null).build()).build())
                .build();
        assertThat(declared.pipelineType()).isNull();
        assertThat(declared.stages().get(1).actions().getFirst().hasInputArtifacts()).isFalse();

        PipelineDeclaration created = client().createPipeline(r -> r.pipeline(declared)).pipeline();
        PipelineDeclaration got = client().getPipeline(r -> r.name("defaults")).pipeline();

        for (PipelineDeclaration echoed : List.of(created, got)) {
            assertThat(echoed.version()).isEqualTo(1);
            assertThat(echoed.pipelineType()).isEqualTo(PipelineType.V1);
            assertThat(echoed.executionMode()).isEqualTo(ExecutionMode.SUPERSEDED);
            assertThat(echoed.stages()).flatExtracting(StageDeclaration::actions).allSatisfy(action -> {
                assertThat(action.runOrder()).isEqualTo(1);
                assertThat(action.hasInputArtifacts()).isTrue();
                assertThat(action.hasOutputArtifacts()).isTrue();
            });
            ActionDeclaration echoedApproval = echoed.stages().get(1).actions().getFirst();
            assertThat(echoedApproval.inputArtifacts()).isEmpty();
            assertThat(echoedApproval.outputArtifacts()).isEmpty();
            assertThat(echoedApproval.hasConfiguration()).as("an action sent without configuration comes back without one").isFalse();
            assertThat(echoed.stages().get(2).actions().getFirst().inputArtifacts()).extracting(a -> a.name()).containsExactly("MyApp");
        }

        // What get-pipeline printed goes back unchanged through update-pipeline, and comes back the same again.
        PipelineDeclaration updated = client().updatePipeline(r -> r.pipeline(got)).pipeline();
        assertThat(updated).isEqualTo(got.toBuilder().version(2).build());
        assertThat(client().getPipeline(r -> r.name("defaults")).pipeline()).isEqualTo(updated);
    }

    @Test
    void aV2PipelineWithoutAnExecutionModeReadsBackAsSuperseded() {
        PipelineDeclaration declared = cliExample("v2-defaults").toBuilder().pipelineType(PipelineType.V2).build();
        client().createPipeline(r -> r.pipeline(declared));

        PipelineDeclaration got = client().getPipeline(r -> r.name("v2-defaults")).pipeline();
        assertThat(got.pipelineType()).isEqualTo(PipelineType.V2);
        assertThat(got.executionMode()).isEqualTo(ExecutionMode.SUPERSEDED);
        assertThat(client().listPipelines(r -> { }).pipelines()).filteredOn(p -> p.name().equals("v2-defaults"))
                .extracting(PipelineSummary::executionMode).containsExactly(ExecutionMode.SUPERSEDED);
    }

    @Test
    void keepsUnknownConfigurationKeysAndV2MembersExactly() {
        Map<String, String> configuration = new LinkedHashMap<>(s3Source().configuration());
        configuration.put("SomeFutureKey", "kept as given");
        PipelineDeclaration declared = cliExample("fidelity").toBuilder()
                .pipelineType("V2").executionMode("QUEUED")
                .variables(v -> v.name("ENV").defaultValue("beta").description("target environment"))
                .stages(StageDeclaration.builder().name("Source").actions(s3Source().toBuilder().configuration(configuration).namespace("SourceVariables").build()).build(),
                        StageDeclaration.builder().name("Beta").actions(codeDeploy()).build())
                .build();
        client().createPipeline(r -> r.pipeline(declared));

        PipelineDeclaration read = client().getPipeline(r -> r.name("fidelity")).pipeline();
        assertThat(read).isEqualTo(echoed(declared, 1));
        assertThat(read.stages().getFirst().actions().getFirst().configuration()).containsEntry("SomeFutureKey", "kept as given");
    }

    @Test
    void aBuiltInSecretLikeAGitHubOAuthTokenIsNeverReadBack() {
        ActionDeclaration github = ActionDeclaration.builder().name("Source")
                .actionTypeId(a -> a.category("Source").owner("ThirdParty").provider("GitHub").version("1"))
                .configuration(Map.of("Owner", "octo", "Repo", "app", "Branch", "main", "OAuthToken", "ghp_secret_value"))
                .outputArtifacts(OutputArtifact.builder().name("MyApp").build()).runOrder(1).build();
        PipelineDeclaration declared = cliExample("github-secret").toBuilder()
                .stages(StageDeclaration.builder().name("Source").actions(github).build(),
                        StageDeclaration.builder().name("Beta").actions(codeDeploy()).build())
                .build();
        assertThat(client().createPipeline(r -> r.pipeline(declared)).pipeline().stages().getFirst().actions().getFirst()
                .configuration()).containsEntry("OAuthToken", "****");
        assertThat(client().getPipeline(r -> r.name("github-secret")).pipeline().stages().getFirst().actions().getFirst()
                .configuration()).containsEntry("OAuthToken", "****").containsEntry("Owner", "octo");
    }

    @Test
    void updatingIncrementsTheVersionAndKeepsEveryVersionReadable() {
        PipelineDeclaration v1 = cliExample("versioned");
        client().createPipeline(r -> r.pipeline(v1));
        PipelineDeclaration v2 = v1.toBuilder().stages(v1.stages().getFirst(),
                v1.stages().get(1).toBuilder().name("Gamma").build()).build();
        assertThat(client().updatePipeline(r -> r.pipeline(v2)).pipeline().version()).isEqualTo(2);
        PipelineDeclaration v3 = v2.toBuilder().executionMode("SUPERSEDED").build();
        assertThat(client().updatePipeline(r -> r.pipeline(v3)).pipeline().version()).isEqualTo(3);

        assertThat(client().getPipeline(r -> r.name("versioned")).pipeline()).isEqualTo(echoed(v3, 3));
        assertThat(client().getPipeline(r -> r.name("versioned").version(1)).pipeline()).isEqualTo(echoed(v1, 1));
        assertThat(client().getPipeline(r -> r.name("versioned").version(2)).pipeline().stages().get(1).name()).isEqualTo("Gamma");
        GetPipelineResponse latest = client().getPipeline(r -> r.name("versioned"));
        assertThat(latest.metadata().updated()).isAfterOrEqualTo(latest.metadata().created());
        assertThatThrownBy(() -> client().getPipeline(r -> r.name("versioned").version(4)))
                .isInstanceOf(PipelineVersionNotFoundException.class);
    }

    @Test
    void aMissingPipelineIsReportedWithTheModelsErrorTypes() {
        assertThatThrownBy(() -> client().getPipeline(r -> r.name("absent"))).isInstanceOf(PipelineNotFoundException.class)
                .hasMessageContaining("absent");
        assertThatThrownBy(() -> client().updatePipeline(r -> r.pipeline(cliExample("absent"))))
                .isInstanceOf(ResourceNotFoundException.class);
        client().deletePipeline(r -> r.name("absent")); // deleting what is not there succeeds, as in CodePipeline
    }

    @Test
    void aSecondPipelineWithTheSameNameIsRefused() {
        client().createPipeline(r -> r.pipeline(cliExample("taken")));
        assertThatThrownBy(() -> client().createPipeline(r -> r.pipeline(cliExample("taken"))))
                .isInstanceOf(PipelineNameInUseException.class).hasMessageContaining("taken");
    }

    @Test
    void deletingRemovesThePipelineAndFreesItsName() {
        client().createPipeline(r -> r.pipeline(cliExample("doomed")).tags(Tag.builder().key("k").value("v").build()));
        client().deletePipeline(r -> r.name("doomed"));
        assertThatThrownBy(() -> client().getPipeline(r -> r.name("doomed"))).isInstanceOf(PipelineNotFoundException.class);
        client().createPipeline(r -> r.pipeline(cliExample("doomed")));
        assertThat(client().getPipeline(r -> r.name("doomed")).pipeline().version()).isEqualTo(1);
        assertThat(client().listTagsForResource(r -> r.resourceArn(arn("doomed"))).tags()).isEmpty();
    }

    @Test
    void listsPipelinesPageByPageWithSummaries() {
        IntStream.range(0, 5).forEach(i -> client().createPipeline(r -> r.pipeline(cliExample("list-" + i))));
        List<PipelineSummary> seen = new ArrayList<>();
        String token = null;
        do {
            String t = token;
            ListPipelinesResponse page = client().listPipelines(r -> r.maxResults(2).nextToken(t));
            assertThat(page.pipelines()).hasSizeLessThanOrEqualTo(2);
            seen.addAll(page.pipelines());
            token = page.nextToken();
        } while (token != null);
        List<PipelineSummary> mine = seen.stream().filter(p -> p.name().startsWith("list-")).toList();
        assertThat(mine).extracting(PipelineSummary::name).containsExactly("list-0", "list-1", "list-2", "list-3", "list-4");
        assertThat(mine.getFirst().version()).isEqualTo(1);
        assertThat(mine.getFirst().pipelineTypeAsString()).isEqualTo("V1");
        assertThat(mine.getFirst().executionModeAsString()).isEqualTo("SUPERSEDED");
        assertThat(mine.getFirst().created()).isNotNull();
        assertThat(client().listPipelinesPaginator(r -> r.maxResults(1)).pipelines().stream()
                .filter(p -> p.name().startsWith("list-")).count()).isEqualTo(5);
    }

    @Test
    void aForgedNextTokenIsRefused() {
        assertThatThrownBy(() -> client().listPipelines(r -> r.nextToken("not-a-token")))
                .isInstanceOf(InvalidNextTokenException.class);
    }

    @Test
    void tagsAreAddedReplacedListedAndRemoved() {
        client().createPipeline(r -> r.pipeline(cliExample("tagged")));
        client().tagResource(r -> r.resourceArn(arn("tagged")).tags(tag("a", "1"), tag("b", "2")));
        client().tagResource(r -> r.resourceArn(arn("tagged")).tags(tag("a", "changed")));
        assertThat(client().listTagsForResource(r -> r.resourceArn(arn("tagged"))).tags())
                .containsExactly(tag("a", "changed"), tag("b", "2"));
        client().untagResource(r -> r.resourceArn(arn("tagged")).tagKeys("a"));
        assertThat(client().listTagsForResource(r -> r.resourceArn(arn("tagged"))).tags()).containsExactly(tag("b", "2"));
    }

    @Test
    void taggingRulesAreEnforced() {
        client().createPipeline(r -> r.pipeline(cliExample("tag-rules")));
        assertThatThrownBy(() -> client().tagResource(r -> r.resourceArn(arn("no-such-pipeline")).tags(tag("a", "1"))))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> client().tagResource(r -> r.resourceArn(arn("tag-rules")).tags(tag("aws:reserved", "1"))))
                .isInstanceOf(InvalidTagsException.class);
        Tag[] tooMany = IntStream.range(0, 51).mapToObj(i -> tag("k" + i, "v")).toArray(Tag[]::new);
        assertThatThrownBy(() -> client().tagResource(r -> r.resourceArn(arn("tag-rules")).tags(tooMany)))
                .isInstanceOf(TooManyTagsException.class);
        assertThatThrownBy(() -> client().createPipeline(r -> r.pipeline(cliExample("too-many-tags")).tags(tooMany)))
                .isInstanceOf(TooManyTagsException.class);
        assertThatThrownBy(() -> client().getPipeline(r -> r.name("too-many-tags"))).isInstanceOf(PipelineNotFoundException.class);
        assertThat(client().listTagsForResource(r -> r.resourceArn(arn("tag-rules"))).tags()).isEmpty();
    }

    @Test
    void memberConstraintsOfTheModelAreEnforcedWithTheMemberPath() {
        assertThatThrownBy(() -> client().createPipeline(r -> r.pipeline(cliExample("has space"))))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("'pipeline.name'")
                .hasMessageContaining("regular expression pattern");
        PipelineDeclaration badRunOrder = cliExample("bad-run-order").toBuilder()
                .stages(StageDeclaration.builder().name("Source").actions(s3Source()).build(),
                        StageDeclaration.builder().name("Beta").actions(codeDeploy().toBuilder().runOrder(1000).build()).build())
                .build();
        assertThatThrownBy(() -> client().createPipeline(r -> r.pipeline(badRunOrder)))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("pipeline.stages[1].actions[0].runOrder")
                .hasMessageContaining("less than or equal to 999");
    }

    @Test
    void aPipelineNamedDotOrDotDotIsRefusedThoughTheModelsPatternAllowsIt() {
        for (String name : new String[] {".", ".."}) {
            assertThatThrownBy(() -> client().createPipeline(r -> r.pipeline(cliExample(name))))
                    .isInstanceOf(ValidationException.class)
                    .hasMessageContaining("'pipeline.name'")
                    .hasMessageContaining("cannot be '.' or '..'");
            assertThatThrownBy(() -> client().updatePipeline(r -> r.pipeline(cliExample(name))))
                    .isInstanceOf(ValidationException.class)
                    .hasMessageContaining("'pipeline.name'");
        }
        assertThat(client().listPipelines(r -> r.maxResults(1000)).pipelines())
                .extracting(PipelineSummary::name).doesNotContain(".", "..");
        client().createPipeline(r -> r.pipeline(cliExample("..dots.are.fine..")));
        assertThat(client().getPipeline(r -> r.name("..dots.are.fine..")).pipeline().name()).isEqualTo("..dots.are.fine..");
    }

    @Test
    void structuralRulesAreEnforcedAndARefusedPipelineLeavesNothingBehind() {
        PipelineDeclaration oneStage = cliExample("one-stage").toBuilder()
                .stages(StageDeclaration.builder().name("Source").actions(s3Source()).build()).build();
        assertThatThrownBy(() -> client().createPipeline(r -> r.pipeline(oneStage)))
                .isInstanceOf(InvalidStructureException.class);
        assertThatThrownBy(() -> client().getPipeline(r -> r.name("one-stage"))).isInstanceOf(PipelineNotFoundException.class);

        PipelineDeclaration danglingInput = cliExample("dangling").toBuilder()
                .stages(StageDeclaration.builder().name("Source").actions(s3Source()).build(),
                        StageDeclaration.builder().name("Beta").actions(codeDeploy().toBuilder()
                                .inputArtifacts(a -> a.name("NoSuchArtifact")).build()).build())
                .build();
        assertThatThrownBy(() -> client().createPipeline(r -> r.pipeline(danglingInput)))
                .isInstanceOf(InvalidStructureException.class)
                .hasMessageContaining("pipeline.stages[1].actions[0].inputArtifacts[0].name");

        PipelineDeclaration unknownProvider = cliExample("unknown-provider").toBuilder()
                .stages(StageDeclaration.builder().name("Source").actions(s3Source()).build(),
                        StageDeclaration.builder().name("Beta").actions(codeDeploy().toBuilder()
                                .actionTypeId(SamplePipelines.type(software.amazon.awssdk.services.codepipeline.model.ActionCategory.DEPLOY, "NoSuchProvider")).build()).build())
                .build();
        assertThatThrownBy(() -> client().createPipeline(r -> r.pipeline(unknownProvider)))
                .isInstanceOf(InvalidActionDeclarationException.class)
                .hasMessageContaining("NoSuchProvider");
        assertThat(client().listPipelines(r -> r.maxResults(1000)).pipelines())
                .extracting(PipelineSummary::name).doesNotContain("one-stage", "dangling", "unknown-provider");
    }

    @Test
    void v2FeaturesAreRefusedOnAV1PipelineNamingTheField() {
        PipelineDeclaration queuedV1 = cliExample("queued-v1").toBuilder().executionMode("QUEUED").build();
        assertThatThrownBy(() -> client().createPipeline(r -> r.pipeline(queuedV1)))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("pipeline.executionMode")
                .hasMessageContaining("V2");
        PipelineDeclaration variablesV1 = cliExample("variables-v1").toBuilder().pipelineType("V1")
                .variables(v -> v.name("X").defaultValue("1")).build();
        assertThatThrownBy(() -> client().createPipeline(r -> r.pipeline(variablesV1)))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("pipeline.variables");
    }

    @Test
    void aRefusedUpdateLeavesTheCurrentVersionInPlace() {
        client().createPipeline(r -> r.pipeline(cliExample("stable")));
        PipelineDeclaration broken = cliExample("stable").toBuilder()
                .stages(StageDeclaration.builder().name("Source").actions(s3Source()).build()).build();
        assertThatThrownBy(() -> client().updatePipeline(r -> r.pipeline(broken))).isInstanceOf(CodePipelineException.class);
        assertThat(client().getPipeline(r -> r.name("stable")).pipeline().version()).isEqualTo(1);
    }

    @Test
    void everythingSurvivesARestart() {
        client().createPipeline(r -> r.pipeline(cliExample("durable")).tags(tag("team", "platform")));
        client().updatePipeline(r -> r.pipeline(cliExample("durable").toBuilder().pipelineType("V2").executionMode("QUEUED").build()));
        server.restart();
        assertThat(client().getPipeline(r -> r.name("durable")).pipeline().version()).isEqualTo(2);
        assertThat(client().getPipeline(r -> r.name("durable").version(1)).pipeline())
                .isEqualTo(echoed(cliExample("durable"), 1));
        assertThat(client().listTagsForResource(r -> r.resourceArn(arn("durable"))).tags()).containsExactly(tag("team", "platform"));
    }

    /**
     * A declaration as CodePipeline echoes it: with its version, and pipelineType and executionMode filled in when
     * left out (the sample actions already carry runOrder and both artifact lists, as the AWS CLI's example does).
     */
    private static PipelineDeclaration echoed(PipelineDeclaration declared, int version) {
        return declared.toBuilder().version(version)
                .pipelineType(declared.pipelineType() == null ? PipelineType.V1 : declared.pipelineType())
                .executionMode(declared.executionMode() == null ? ExecutionMode.SUPERSEDED : declared.executionMode())
                .build();
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }

    private static String arn(String name) {
        return "arn:aws:codepipeline:us-east-1:000000000000:" + name;
    }
}
