package dev.conveyor.server.triggers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.errors.ActionNotFoundException;
import dev.conveyor.model.errors.StageNotFoundException;
import dev.conveyor.model.errors.ValidationException;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.model.pipeline.ActionDeclaration;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import dev.conveyor.model.pipeline.StageDeclaration;
import dev.conveyor.server.protocol.JsonOperation;
import dev.conveyor.server.protocol.RequestContext;
import dev.conveyor.store.PipelineRepository;
import dev.conveyor.store.source.SourceRevisionRepository;
import dev.conveyor.store.source.SourceRevisionRow;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * CodePipeline's PutActionRevision: a new revision of a source action starts the pipeline
 * ({@code PutActionRevision} trigger) with the source pinned to it where its provider takes a revision (a commit,
 * an object version); the revision already recorded last answers {@code newRevision: false} and starts nothing.
 */
public final class ActionRevisionOperations {
    private final PipelineRepository pipelines;
    private final SourceRevisionRepository revisions;
    private final SourceTriggers triggers;
    private final String accountId;
    private final Clock clock;

    public ActionRevisionOperations(PipelineRepository pipelines, SourceRevisionRepository revisions, SourceTriggers triggers,
                                    String accountId, Clock clock) {
        this.pipelines = pipelines;
        this.revisions = revisions;
        this.triggers = triggers;
        this.accountId = accountId;
        this.clock = clock;
    }

    public Map<String, JsonOperation> operations() {
        return Map.of("PutActionRevision", this::putActionRevision);
    }

    JsonNode putActionRevision(JsonNode input, RequestContext context) {
        String pipelineName = input.get("pipelineName").asText();
        String stageName = input.get("stageName").asText();
        String actionName = input.get("actionName").asText();
        JsonNode revision = input.get("actionRevision");
        String revisionId = revision.get("revisionId").asText();
        String changeId = revision.get("revisionChangeId").asText();
        Instant created = Instant.ofEpochMilli(new BigDecimal(revision.get("created").asText()).movePointRight(3).longValue());

        PipelineDeclaration pipeline = ConveyorJson.read(pipelines.get(pipelineName, null).declarationJson(), PipelineDeclaration.class);
        StageDeclaration stage = pipeline.stagesOrEmpty().stream().filter(s -> s.name().equals(stageName)).findFirst()
                .orElseThrow(() -> new StageNotFoundException("Stage '" + stageName + "' is not in pipeline '" + pipelineName + "'", "stageName"));
        ActionDeclaration action = stage.actionsOrEmpty().stream().filter(a -> a.name().equals(actionName)).findFirst()
                .orElseThrow(() -> new ActionNotFoundException("Action '" + actionName + "' is not in stage '" + stageName + "'", "actionName"));
        if (stage != pipeline.stagesOrEmpty().getFirst()) {
            throw new ValidationException("Action '" + actionName + "' is not a source action: only actions of the first stage "
                    + "take revisions", "actionName");
        }
        Optional<SourceRevisionRow> last = revisions.find(pipelineName, actionName, SourceRevisionRow.PUT);
        ObjectNode out = ConveyorJson.mapper().createObjectNode();
        if (last.isPresent() && last.get().revision().equals(revisionId)) {
            return out.put("newRevision", false);
        }
        SourceAction source = new SourceAction(pipelineName, 0, action, null);
        String id = triggers.start(new SourceTriggers.Start(pipelineName, "PutActionRevision",
                "arn:aws:iam::" + accountId + ":user/" + context.caller().accessKeyId() + " " + actionName + " " + revisionId)
                .pin(source, revisionId)
                .idempotent("put-" + SourcePoller.sha1(actionName + "\n" + revisionId + "\n" + changeId)));
        revisions.advance(last.orElse(null), new SourceRevisionRow(pipelineName, actionName, SourceRevisionRow.PUT, actionName,
                revisionId, changeId, created, clock.instant()));
        return out.put("newRevision", true).put("pipelineExecutionId", id);
    }
}
