package dev.conveyor.server.codepipeline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.conveyor.model.actiontype.ActionTypeRegistry;
import dev.conveyor.model.errors.ResourceNotFoundException;
import dev.conveyor.model.errors.ServiceException;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import dev.conveyor.model.pipeline.Tag;
import dev.conveyor.model.validation.PipelineLimits;
import dev.conveyor.model.validation.PipelineValidator;
import dev.conveyor.model.validation.TagValidator;
import dev.conveyor.model.validation.Violations;
import dev.conveyor.server.protocol.JsonOperation;
import dev.conveyor.server.protocol.RenderedJson;
import dev.conveyor.server.protocol.RequestContext;
import dev.conveyor.server.protocol.Timestamps;
import dev.conveyor.store.Page;
import dev.conveyor.store.PipelineRepository;
import dev.conveyor.store.PipelineSummaryRow;
import dev.conveyor.store.StoredPipeline;
import dev.conveyor.store.TagRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline-definition operations of CodePipeline: create, read (any version), update, delete, list, and the
 * tagging operations. Every write is validated completely before the store is touched, so a refused request
 * leaves nothing behind.
 */
public final class PipelineOperations {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineOperations.class);
    private static final String PIPELINES_LISTING = "pipelines";
    private static final String TAGS_LISTING = "tags";

    private final ObjectMapper mapper = ConveyorJson.mapper();
    private final PipelineRepository pipelines;
    private final TagRepository tags;
    private final PipelineValidator validator;
    private final TagValidator tagValidator;
    private final Arns arns;
    private final String accountId;
    private final Clock clock;
    private final Predicate<String> actionTypeExists;
    private final Predicate<String> webhookExists;
    private final SecretMasking secrets;
    private final FirstExecution firstExecution;
    /**
     * GetPipeline's answer per stored version, so that a read of an unchanged pipeline allocates no answer (issue 20:
     * allocation per request made the young pauses of GetPipeline's tail). Keyed by identity and weakly, as
     * {@link SecretMasking} keys its masked text: the pipeline cache hands out one StoredPipeline per version until the
     * pipeline changes, so an answer is let go with it and needs no invalidation; the expiry bounds, as there, how
     * long a re-created custom action type's new secret properties could stay unmasked (at most a minute more).
     */
    private final Cache<StoredPipeline, RenderedJson> answers = Caffeine.newBuilder().weakKeys()
            .maximumWeight(32L << 20).weigher((StoredPipeline stored, RenderedJson answer) -> answer.size())
            .expireAfterWrite(Duration.ofMinutes(1)).build();

    /** Starts the execution CodePipeline starts when a pipeline is created (trigger {@code CreatePipeline}). */
    @FunctionalInterface
    public interface FirstExecution {
        /**
         * Starts it in the transaction on {@code c} that stores the pipeline (one commit for both, issue 20), writing
         * nothing if it throws a {@link ServiceException}; {@code callerArn} is who created the pipeline. Returns what
         * to run once that transaction has committed.
         */
        Runnable start(java.sql.Connection c, String pipelineName, String callerArn) throws java.sql.SQLException;
    }

    /**
     * @param actionTypeExists whether the resource part of an action-type ARN names a live custom type
     * @param webhookExists    whether a webhook of that name exists
     * @param firstExecution   starts a new pipeline's first execution, once it is stored
     */
    public PipelineOperations(PipelineRepository pipelines, TagRepository tags, PipelineValidator validator,
                              PipelineLimits limits, Arns arns, String accountId, Clock clock, ActionTypeRegistry actionTypes,
                              Predicate<String> actionTypeExists, Predicate<String> webhookExists, FirstExecution firstExecution) {
        this.pipelines = pipelines;
        this.tags = tags;
        this.validator = validator;
        this.tagValidator = new TagValidator(limits);
        this.arns = arns;
        this.accountId = accountId;
        this.clock = clock;
        this.actionTypeExists = actionTypeExists;
        this.webhookExists = webhookExists;
        this.secrets = new SecretMasking(actionTypes);
        this.firstExecution = firstExecution;
    }

    /** The operations by name, for the CodePipeline JSON service. */
    public Map<String, JsonOperation> operations() {
        return Map.of(
                "CreatePipeline", this::createPipeline,
                "GetPipeline", this::getPipeline,
                "UpdatePipeline", this::updatePipeline,
                "DeletePipeline", this::deletePipeline,
                "ListPipelines", this::listPipelines,
                "TagResource", this::tagResource,
                "UntagResource", this::untagResource,
                "ListTagsForResource", this::listTagsForResource);
    }

    JsonNode createPipeline(JsonNode input, RequestContext context) {
        PipelineDeclaration declaration = validated(input.get("pipeline"));
        List<Tag> requestTags = tagsOf(input.get("tags"));
        Violations.throwIfAny(tagValidator.validate(requestTags));
        PipelineDeclaration stored = declaration.canonical(1);
        String json = ConveyorJson.write(stored);
        // CodePipeline runs a new pipeline once, whatever its triggers (V2 git triggers included). The execution starts
        // in the transaction that stores the pipeline: both are durable before either is acted on, with one commit.
        String callerArn = context.caller().arn(accountId);
        pipelines.create(stored.name(), arns.pipeline(stored.name()),
                new PipelineRepository.NewVersion(stored.effectivePipelineType(), stored.effectiveExecutionMode(), json, author(context)),
                requestTags, clock.instant(), c -> {
                    try {
                        return firstExecution.start(c, stored.name(), callerArn);
                    } catch (ServiceException e) {
                        // The pipeline is created all the same (a variable without a default value, say, leaves it
                        // nothing to start with; the start wrote nothing); the caller starts it with what it needs.
                        LOG.warn("pipeline {} was created but its first execution could not start: {}", stored.name(), e.getMessage());
                        return () -> { };
                    }
                });
        ObjectNode out = mapper.createObjectNode();
        out.putRawValue("pipeline", new RawValue(secrets.mask(json)));
        if (!requestTags.isEmpty()) {
            out.set("tags", tagArray(requestTags));
        }
        return out;
    }

    JsonNode getPipeline(JsonNode input, RequestContext context) {
        String name = input.get("name").asText();
        Integer version = input.hasNonNull("version") ? input.get("version").asInt() : null;
        StoredPipeline stored = pipelines.get(name, version);
        // Only the latest version comes from the pipeline cache (one instance per version); an older one is read anew.
        return version == null ? answers.get(stored, this::render) : render(stored);
    }

    /** GetPipeline's answer: the stored declaration is JSON already, so it is written around it as text, not rebuilt as a tree. */
    private RenderedJson render(StoredPipeline stored) {
        return RenderedJson.of("{\"pipeline\":" + secrets.mask(stored.declarationJson())
                + ",\"metadata\":{\"pipelineArn\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(stored.arn()))
                + "\",\"created\":" + Timestamps.epochSeconds(stored.created()).asText()
                + ",\"updated\":" + Timestamps.epochSeconds(stored.updated()).asText() + "}}");
    }

    JsonNode updatePipeline(JsonNode input, RequestContext context) {
        PipelineDeclaration declaration = validated(input.get("pipeline"));
        if (!pipelines.exists(declaration.name())) {
            throw new ResourceNotFoundException("The account does not include a pipeline with the name '"
                    + declaration.name() + "'", "pipeline.name");
        }
        StoredPipeline updated = pipelines.update(declaration.name(), version -> {
            PipelineDeclaration stored = declaration.canonical(version);
            return new PipelineRepository.NewVersion(stored.effectivePipelineType(), stored.effectiveExecutionMode(),
                    ConveyorJson.write(stored), author(context));
        }, clock.instant());
        ObjectNode out = mapper.createObjectNode();
        out.putRawValue("pipeline", new RawValue(secrets.mask(updated.declarationJson())));
        return out;
    }

    /**
     * Who writes this version, recorded with it: when the pipeline's role is absent or not a role of Conveyor's IAM,
     * its jobs act with this principal's authority (issue 14, docs/security.md); null in the open mode.
     */
    private static String author(RequestContext context) {
        return dev.conveyor.iam.identity.PrincipalRecords.encode(context.caller().principal());
    }

    JsonNode deletePipeline(JsonNode input, RequestContext context) {
        // Deleting a pipeline that does not exist succeeds, as in CodePipeline: the caller's goal is reached.
        pipelines.delete(input.get("name").asText());
        return null;
    }

    JsonNode listPipelines(JsonNode input, RequestContext context) {
        int max = input.hasNonNull("maxResults") ? input.get("maxResults").asInt() : 100;
        String after = PageTokens.decode(PIPELINES_LISTING, input.path("nextToken").asText(null));
        Page<PipelineSummaryRow> page = pipelines.list(max, after);
        ObjectNode out = mapper.createObjectNode();
        ArrayNode list = out.putArray("pipelines");
        for (PipelineSummaryRow row : page.items()) {
            ObjectNode summary = list.addObject();
            summary.put("name", row.name());
            summary.put("version", row.version());
            summary.put("pipelineType", row.pipelineType());
            summary.put("executionMode", row.executionMode());
            summary.set("created", Timestamps.epochSeconds(row.created()));
            summary.set("updated", Timestamps.epochSeconds(row.updated()));
        }
        if (page.nextKey() != null) {
            out.put("nextToken", PageTokens.encode(PIPELINES_LISTING, page.nextKey()));
        }
        return out;
    }

    JsonNode tagResource(JsonNode input, RequestContext context) {
        String arn = existingResource(input.get("resourceArn").asText());
        List<Tag> newTags = tagsOf(input.get("tags"));
        Violations.throwIfAny(tagValidator.validate(newTags));
        tags.tag(arn, newTags);
        return null;
    }

    JsonNode untagResource(JsonNode input, RequestContext context) {
        String arn = existingResource(input.get("resourceArn").asText());
        List<String> keys = new ArrayList<>();
        input.get("tagKeys").forEach(k -> keys.add(k.asText()));
        Violations.throwIfAny(tagValidator.validateKeys(keys));
        tags.untag(arn, keys);
        return null;
    }

    JsonNode listTagsForResource(JsonNode input, RequestContext context) {
        String arn = existingResource(input.get("resourceArn").asText());
        int max = input.hasNonNull("maxResults") ? input.get("maxResults").asInt() : 100;
        String after = PageTokens.decode(TAGS_LISTING, input.path("nextToken").asText(null));
        List<Tag> all = tags.list(arn);
        int start = 0;
        if (after != null) {
            start = Integer.parseInt(after);
        }
        List<Tag> page = all.subList(Math.min(start, all.size()), Math.min(start + max, all.size()));
        ObjectNode out = mapper.createObjectNode();
        out.set("tags", tagArray(page));
        if (start + max < all.size()) {
            out.put("nextToken", PageTokens.encode(TAGS_LISTING, Integer.toString(start + max)));
        }
        return out;
    }

    /** The ARN when it names an existing resource of this server; ResourceNotFoundException otherwise. */
    private String existingResource(String arn) {
        boolean exists = switch (arns.resolve(arn)) {
            case Arns.PipelineResource p -> pipelines.exists(p.name());
            case Arns.ActionTypeResource a -> actionTypeExists.test(a.id());
            case Arns.WebhookResource w -> webhookExists.test(w.name());
            case Arns.ForeignResource f -> false;
        };
        if (!exists) {
            throw new ResourceNotFoundException("The resource '" + arn + "' does not exist", "resourceArn");
        }
        return arn;
    }

    private PipelineDeclaration validated(JsonNode pipelineNode) {
        PipelineDeclaration declaration = ConveyorJson.convert(pipelineNode, PipelineDeclaration.class);
        Violations.throwIfAny(validator.validate(declaration));
        return declaration;
    }

    private static List<Tag> tagsOf(JsonNode node) {
        List<Tag> result = new ArrayList<>();
        if (node != null) {
            node.forEach(t -> result.add(new Tag(t.get("key").asText(), t.get("value").asText())));
        }
        return result;
    }

    private ArrayNode tagArray(List<Tag> list) {
        ArrayNode array = mapper.createArrayNode();
        list.forEach(t -> array.addObject().put("key", t.key()).put("value", t.value()));
        return array;
    }
}
