package dev.conveyor.server.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.errors.InvalidWebhookAuthenticationParametersException;
import dev.conveyor.model.errors.InvalidWebhookFilterPatternException;
import dev.conveyor.model.errors.ValidationException;
import dev.conveyor.model.errors.WebhookNotFoundException;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import dev.conveyor.model.pipeline.Tag;
import dev.conveyor.model.validation.TagValidator;
import dev.conveyor.model.validation.Violations;
import dev.conveyor.server.codepipeline.Arns;
import dev.conveyor.server.codepipeline.PageTokens;
import dev.conveyor.server.git.ServerAddress;
import dev.conveyor.server.protocol.JsonOperation;
import dev.conveyor.server.protocol.RequestContext;
import dev.conveyor.server.protocol.Timestamps;
import dev.conveyor.store.Page;
import dev.conveyor.store.PipelineRepository;
import dev.conveyor.store.TagRepository;
import dev.conveyor.store.source.WebhookRepository;
import dev.conveyor.store.source.WebhookRow;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * PutWebhook, ListWebhooks, DeleteWebhook, RegisterWebhookWithThirdParty and DeregisterWebhookWithThirdParty.
 * A webhook's URL is {@code <server>/webhooks/<random token>}; PutWebhook of an existing name keeps its URL.
 * Conveyor cannot call a forge's API, so registering records the registration only: the URL (and secret) are
 * entered in the forge's webhook settings by hand.
 */
public final class WebhookOperations {
    public static final String URL_PATH = "/webhooks/";
    private static final String LISTING = "webhooks";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final WebhookRepository webhooks;
    private final PipelineRepository pipelines;
    private final TagRepository tags;
    private final TagValidator tagValidator;
    private final Arns arns;
    private final ServerAddress address;
    private final Clock clock;

    public WebhookOperations(WebhookRepository webhooks, PipelineRepository pipelines, TagRepository tags, TagValidator tagValidator,
                             Arns arns, ServerAddress address, Clock clock) {
        this.webhooks = webhooks;
        this.pipelines = pipelines;
        this.tags = tags;
        this.tagValidator = tagValidator;
        this.arns = arns;
        this.address = address;
        this.clock = clock;
    }

    public Map<String, JsonOperation> operations() {
        return Map.of(
                "PutWebhook", this::putWebhook,
                "ListWebhooks", this::listWebhooks,
                "DeleteWebhook", this::deleteWebhook,
                "RegisterWebhookWithThirdParty", (in, ctx) -> register(in, true),
                "DeregisterWebhookWithThirdParty", (in, ctx) -> register(in, false));
    }

    JsonNode putWebhook(JsonNode input, RequestContext context) {
        JsonNode definition = input.get("webhook");
        String name = definition.get("name").asText();
        String pipelineName = definition.get("targetPipeline").asText();
        String actionName = definition.get("targetAction").asText();
        PipelineDeclaration pipeline = ConveyorJson.read(pipelines.get(pipelineName, null).declarationJson(), PipelineDeclaration.class);
        boolean isSource = !pipeline.stagesOrEmpty().isEmpty()
                && pipeline.stagesOrEmpty().getFirst().actionsOrEmpty().stream().anyMatch(a -> a.name().equals(actionName));
        if (!isSource) {
            throw new ValidationException("Webhook target action '" + actionName + "' is not a source action of pipeline '"
                    + pipelineName + "'", "webhook.targetAction");
        }
        checkAuthentication(definition.get("authentication").asText(), definition.get("authenticationConfiguration"));
        JsonNode filters = definition.get("filters");
        for (int i = 0; i < filters.size(); i++) {
            String invalid = WebhookFilters.invalidPath(filters.get(i).get("jsonPath").asText());
            if (invalid != null) {
                throw new InvalidWebhookFilterPatternException("webhook.filters[" + i + "].jsonPath is not a valid JSONPath: " + invalid,
                        "webhook.filters[" + i + "].jsonPath");
            }
        }
        List<Tag> given = new ArrayList<>();
        input.path("tags").forEach(t -> given.add(new Tag(t.get("key").asText(), t.get("value").asText())));
        Violations.throwIfAny(tagValidator.validate(given));
        String arn = arns.pipeline("webhook:" + name);
        WebhookRow stored = webhooks.put(new WebhookRow(name, arn, newToken(), pipelineName, actionName, definition.toString(), false,
                null, null, null, clock.instant()));
        tags.tag(arn, given);
        ObjectNode out = ConveyorJson.mapper().createObjectNode();
        out.set("webhook", item(stored));
        return out;
    }

    private static void checkAuthentication(String type, JsonNode configuration) {
        String secret = configuration.path("SecretToken").asText(null);
        String range = configuration.path("AllowedIPRange").asText(null);
        String problem = switch (type) {
            case "GITHUB_HMAC" -> secret == null || secret.isEmpty() ? "GITHUB_HMAC needs a SecretToken"
                    : range != null ? "GITHUB_HMAC takes only a SecretToken" : null;
            case "IP" -> range == null ? "IP needs an AllowedIPRange"
                    : !WebhookAuthentication.validRange(range) ? "AllowedIPRange '" + range + "' is not a CIDR block"
                    : secret != null ? "IP takes only an AllowedIPRange" : null;
            case "UNAUTHENTICATED" -> secret != null || range != null ? "UNAUTHENTICATED takes no authentication configuration" : null;
            default -> "unknown authentication " + type;
        };
        if (problem != null) {
            throw new InvalidWebhookAuthenticationParametersException(problem, "webhook.authenticationConfiguration");
        }
    }

    JsonNode listWebhooks(JsonNode input, RequestContext context) {
        int max = input.hasNonNull("MaxResults") ? input.get("MaxResults").asInt() : 100;
        Page<WebhookRow> page = webhooks.list(max, PageTokens.decode(LISTING, input.path("NextToken").asText(null)));
        ObjectNode out = ConveyorJson.mapper().createObjectNode();
        ArrayNode list = out.putArray("webhooks");
        page.items().forEach(w -> list.add(item(w)));
        if (page.nextKey() != null) {
            out.put("NextToken", PageTokens.encode(LISTING, page.nextKey()));
        }
        return out;
    }

    JsonNode deleteWebhook(JsonNode input, RequestContext context) {
        String name = input.get("name").asText();
        webhooks.find(name).ifPresent(w -> {
            webhooks.delete(name);
            tags.untag(w.arn(), tags.list(w.arn()).stream().map(Tag::key).toList());
        });
        return null;
    }

    JsonNode register(JsonNode input, boolean registered) {
        String name = input.path("webhookName").asText(null);
        if (name == null || !webhooks.setRegistered(name, registered)) {
            throw new WebhookNotFoundException("There is no webhook named '" + name + "'", "webhookName");
        }
        return null;
    }

    /** The webhook's URL, as PutWebhook and ListWebhooks give it. */
    public String url(WebhookRow webhook) {
        return address.baseUrl().orElse("http://localhost") + URL_PATH + webhook.urlToken();
    }

    private ObjectNode item(WebhookRow w) {
        ObjectNode item = ConveyorJson.mapper().createObjectNode();
        item.set("definition", ConveyorJson.read(w.definitionJson(), JsonNode.class));
        item.put("url", url(w));
        item.put("arn", w.arn());
        if (w.errorCode() != null) {
            item.put("errorCode", w.errorCode());
            item.put("errorMessage", w.errorMessage());
        }
        if (w.lastTriggeredAt() != null) {
            item.set("lastTriggered", Timestamps.epochSeconds(w.lastTriggeredAt()));
        }
        ArrayNode tagList = item.putArray("tags");
        tags.list(w.arn()).forEach(t -> tagList.addObject().put("key", t.key()).put("value", t.value()));
        return item;
    }

    private static String newToken() {
        byte[] bytes = new byte[20];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
