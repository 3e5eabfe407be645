package dev.conveyor.server.codepipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.actiontype.ActionTypeDefinition;
import dev.conveyor.model.actiontype.BuiltInActionTypes;
import dev.conveyor.model.actiontype.BuiltInRuleTypes;
import dev.conveyor.model.actiontype.RuleTypeDefinition;
import dev.conveyor.model.errors.ActionTypeAlreadyExistsException;
import dev.conveyor.model.errors.ActionTypeNotFoundException;
import dev.conveyor.model.errors.LimitExceededException;
import dev.conveyor.model.errors.ValidationException;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.model.pipeline.ActionTypeId;
import dev.conveyor.model.pipeline.Tag;
import dev.conveyor.model.validation.TagValidator;
import dev.conveyor.model.validation.Violations;
import dev.conveyor.server.protocol.JsonOperation;
import dev.conveyor.server.protocol.RequestContext;
import dev.conveyor.store.ActionTypeRepository;
import dev.conveyor.store.TagRepository;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Action types: the built-in providers and the custom types registered with CreateCustomActionType, listed and
 * read in both of CodePipeline's shapes, updated with UpdateActionType, deleted for good with
 * DeleteCustomActionType (a deleted provider and version can never be registered again, as in CodePipeline).
 */
public final class ActionTypeOperations {
    /** CodePipeline's quota of custom action types per account and region. */
    static final int MAX_CUSTOM_ACTION_TYPES = 50;

    private final ObjectMapper mapper = ConveyorJson.mapper();
    private final ActionTypeRepository repository;
    private final CustomActionTypes custom;
    private final TagRepository tags;
    private final TagValidator tagValidator;
    private final String arnPrefix;
    private final Clock clock;
    private java.util.function.Supplier<java.util.Collection<String>> runningRules = () -> null;

    public ActionTypeOperations(ActionTypeRepository repository, CustomActionTypes custom, TagRepository tags,
                                TagValidator tagValidator, String region, String accountId, Clock clock) {
        this.repository = repository;
        this.custom = custom;
        this.tags = tags;
        this.tagValidator = tagValidator;
        this.arnPrefix = "arn:aws:codepipeline:" + region + ":" + accountId + ":actiontype:";
        this.clock = clock;
    }

    public Map<String, JsonOperation> operations() {
        return Map.of(
                "CreateCustomActionType", this::createCustomActionType,
                "DeleteCustomActionType", this::deleteCustomActionType,
                "ListActionTypes", this::listActionTypes,
                "GetActionType", this::getActionType,
                "UpdateActionType", this::updateActionType,
                "ListRuleTypes", this::listRuleTypes);
    }

    String arn(ActionTypeId id) {
        return arnPrefix + id.owner() + "/" + id.category() + "/" + id.provider() + "/" + id.version();
    }

    JsonNode createCustomActionType(JsonNode input, RequestContext context) {
        ActionTypeId id = new ActionTypeId(input.get("category").asText(), "Custom", input.get("provider").asText(),
                input.get("version").asText());
        ActionTypeDefinition definition = ActionTypeJson.fromCreate(id, input);
        checkCounts(definition);
        List<Tag> requestTags = new ArrayList<>();
        input.path("tags").forEach(t -> requestTags.add(new Tag(t.get("key").asText(), t.get("value").asText())));
        Violations.throwIfAny(tagValidator.validate(requestTags));
        if (repository.countLive() >= MAX_CUSTOM_ACTION_TYPES) {
            throw new LimitExceededException("An account can have at most " + MAX_CUSTOM_ACTION_TYPES + " custom action types");
        }
        Optional<ActionTypeRepository.StoredActionType> existing = repository.find(id);
        if (existing.isPresent()) {
            if (existing.get().deleted()) {
                throw new ValidationException("Custom action type " + id + " was deleted; a deleted provider and version "
                        + "cannot be registered again: use a new version", "version");
            }
            throw new ActionTypeAlreadyExistsException("Custom action type " + id + " already exists", "provider");
        }
        if (!repository.create(id, arn(id), ConveyorJson.write(definition), clock.instant())) {
            throw new ActionTypeAlreadyExistsException("Custom action type " + id + " already exists", "provider");
        }
        tags.tag(arn(id), requestTags);
        ObjectNode out = mapper.createObjectNode();
        out.set("actionType", ActionTypeJson.actionType(definition));
        if (!requestTags.isEmpty()) {
            ArrayNode tagArray = out.putArray("tags");
            requestTags.forEach(t -> tagArray.addObject().put("key", t.key()).put("value", t.value()));
        }
        return out;
    }

    private static void checkCounts(ActionTypeDefinition definition) {
        if (definition.inputArtifacts().minimumCount() > definition.inputArtifacts().maximumCount()) {
            throw new ValidationException("inputArtifactDetails.minimumCount must not exceed maximumCount", "inputArtifactDetails");
        }
        if (definition.outputArtifacts().minimumCount() > definition.outputArtifacts().maximumCount()) {
            throw new ValidationException("outputArtifactDetails.minimumCount must not exceed maximumCount", "outputArtifactDetails");
        }
    }

    JsonNode deleteCustomActionType(JsonNode input, RequestContext context) {
        ActionTypeId id = new ActionTypeId(input.get("category").asText(), "Custom", input.get("provider").asText(),
                input.get("version").asText());
        repository.markDeleted(id, clock.instant());
        return null;
    }

    JsonNode listActionTypes(JsonNode input, RequestContext context) {
        String owner = input.path("actionOwnerFilter").asText(null);
        if (input.hasNonNull("nextToken")) {
            PageTokens.decode("actiontypes", input.get("nextToken").asText()); // one page holds every type
        }
        List<ActionTypeDefinition> all = new ArrayList<>(BuiltInActionTypes.instance().all());
        all.addAll(custom.all());
        ObjectNode out = mapper.createObjectNode();
        ArrayNode list = out.putArray("actionTypes");
        for (ActionTypeDefinition definition : all) {
            if (owner == null || owner.equals(definition.id().owner())) {
                list.add(ActionTypeJson.actionType(definition));
            }
        }
        return out;
    }

    /** Limits ListRuleTypes to the rule providers the engine runs (by provider name). */
    public ActionTypeOperations runningRules(java.util.function.Supplier<java.util.Collection<String>> providers) {
        this.runningRules = providers;
        return this;
    }

    /** The rule types stage conditions may use and this server runs (all owned by AWS; the owner filter is honoured). */
    JsonNode listRuleTypes(JsonNode input, RequestContext context) {
        String owner = input.path("ruleOwnerFilter").asText(null);
        ObjectNode out = mapper.createObjectNode();
        ArrayNode list = out.putArray("ruleTypes");
        java.util.Collection<String> running = runningRules.get();
        for (RuleTypeDefinition rule : BuiltInRuleTypes.all()) {
            if ((owner == null || owner.equals(rule.id().owner())) && (running == null || running.contains(rule.id().provider()))) {
                list.add(ActionTypeJson.ruleType(rule));
            }
        }
        return out;
    }

    JsonNode getActionType(JsonNode input, RequestContext context) {
        ActionTypeId id = ActionTypeJson.id(input);
        Optional<ActionTypeRepository.StoredActionType> stored = repository.find(id).filter(t -> !t.deleted());
        ActionTypeDefinition definition = stored.map(t -> ConveyorJson.read(t.definitionJson(), ActionTypeDefinition.class))
                .or(() -> BuiltInActionTypes.instance().find(id))
                .orElseThrow(() -> new ActionTypeNotFoundException("Action type " + id + " does not exist"));
        JsonNode extras = stored.map(ActionTypeRepository.StoredActionType::declarationJson).map(this::read).orElse(null);
        ObjectNode out = mapper.createObjectNode();
        out.set("actionType", ActionTypeJson.declaration(definition, extras));
        return out;
    }

    JsonNode updateActionType(JsonNode input, RequestContext context) {
        JsonNode declaration = input.get("actionType");
        ActionTypeId id = ActionTypeJson.id(declaration.get("id"));
        ActionTypeRepository.StoredActionType stored = repository.find(id).filter(t -> !t.deleted())
                .orElseThrow(() -> new ActionTypeNotFoundException("Action type " + id + " does not exist or is not yours to update"));
        ActionTypeDefinition updated = ActionTypeJson.fromDeclaration(declaration,
                ConveyorJson.read(stored.definitionJson(), ActionTypeDefinition.class));
        checkCounts(updated);
        ObjectNode extras = mapper.createObjectNode();
        for (String field : List.of("description", "executor", "permissions")) {
            if (declaration.has(field)) {
                extras.set(field, declaration.get(field));
            }
        }
        repository.update(id, ConveyorJson.write(updated), ConveyorJson.write(extras), clock.instant());
        return null;
    }

    /** Whether an action-type ARN names a live custom type (for tagging). */
    public boolean exists(String resourcePart) {
        String[] parts = resourcePart.split("/");
        if (parts.length != 4) {
            return false;
        }
        return repository.find(new ActionTypeId(parts[1], parts[0], parts[2], parts[3])).filter(t -> !t.deleted()).isPresent();
    }

    private JsonNode read(String json) {
        try {
            return mapper.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
