package dev.conveyor.events.notifications;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.events.Json;
import dev.conveyor.events.http.HttpAnswer;
import dev.conveyor.events.http.HttpCall;
import dev.conveyor.events.rules.ResourceAlreadyExistsException;
import dev.conveyor.events.rules.ResourceNotFoundException;
import dev.conveyor.events.rules.ValidationException;
import dev.conveyor.model.errors.ServiceException;
import dev.conveyor.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * CodeStar Notifications (REST-JSON, requests signed for {@code codestar-notifications}): CreateNotificationRule,
 * DescribeNotificationRule, ListNotificationRules, UpdateNotificationRule, DeleteNotificationRule, Subscribe,
 * Unsubscribe, ListEventTypes. Rules are on pipelines ({@code arn:aws:codepipeline:…}) or CodeDeploy applications; targets are SNS topics
 * ({@code SNS}) and Slack-compatible incoming webhooks ({@code AWSChatbotSlack} with the webhook's URL as address).
 */
public final class NotificationsApi {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9\\-_ ]{1,64}");
    private static final int MAX_TARGETS = 10;

    private final Database db;
    private final NotificationRules rules = new NotificationRules();
    private final String region;
    private final String accountId;
    private final Clock clock;

    public NotificationsApi(Database db, String region, String accountId, Clock clock) {
        this.db = db;
        this.region = region;
        this.accountId = accountId;
        this.clock = clock;
    }

    public HttpAnswer handle(HttpCall call, String requestId) {
        try {
            JsonNode in = call.body().length == 0 ? Json.object() : Json.read(call.bodyText());
            JsonNode out = switch (call.path()) {
                case "/createNotificationRule" -> create(in);
                case "/describeNotificationRule" -> describe(in);
                case "/listNotificationRules" -> list(in);
                case "/updateNotificationRule" -> update(in);
                case "/deleteNotificationRule" -> delete(in);
                case "/subscribe" -> subscribe(in);
                case "/unsubscribe" -> unsubscribe(in);
                case "/listEventTypes" -> listEventTypes(in);
                default -> throw new ResourceNotFoundException("No operation at " + call.path(), "path");
            };
            return new HttpAnswer(200, "application/json", Json.write(out == null ? Json.object() : out).getBytes(StandardCharsets.UTF_8),
                    Map.of("x-amzn-RequestId", requestId));
        } catch (ServiceException e) {
            int status = switch (e.errorType()) {
                case "ResourceNotFoundException" -> 404;
                case "ResourceAlreadyExistsException" -> 409;
                default -> 400;
            };
            return new HttpAnswer(status, "application/json", Json.write(Json.object().put("Message", e.getMessage()))
                    .getBytes(StandardCharsets.UTF_8), Map.of("x-amzn-ErrorType", e.errorType(), "x-amzn-RequestId", requestId));
        } catch (IllegalArgumentException e) {
            return new HttpAnswer(400, "application/json", Json.write(Json.object().put("Message", "The request body is not JSON"))
                    .getBytes(StandardCharsets.UTF_8), Map.of("x-amzn-ErrorType", "ValidationException", "x-amzn-RequestId", requestId));
        }
    }

    private static String required(JsonNode in, String field) {
        if (!in.hasNonNull(field) || in.get(field).asText().isEmpty()) {
            throw new ValidationException("1 validation error detected: Value at '" + field + "' failed to satisfy constraint: "
                    + "Member must not be null", field);
        }
        return in.get(field).asText();
    }

    private static ArrayNode eventTypeIds(JsonNode in) {
        JsonNode ids = in.path("EventTypeIds");
        if (!ids.isArray()) {
            throw new ValidationException("EventTypeIds must be a list", "EventTypeIds");
        }
        ArrayNode out = Json.array();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i).asText();
            if (!EventTypes.ALL.containsKey(id)) {
                throw new ValidationException("Event type " + id + " is not valid (at EventTypeIds[" + i + "])", "EventTypeIds[" + i + "]");
            }
            out.add(id);
        }
        return out;
    }

    /** The request's EventTypeIds, each of which must be an event of {@code resourceType} (Pipeline, Application). */
    private static ArrayNode eventTypesOf(JsonNode in, String resourceType) {
        ArrayNode ids = eventTypeIds(in);
        for (int i = 0; i < ids.size(); i++) {
            if (!EventTypes.resourceTypeOf(ids.get(i).asText()).equals(resourceType)) {
                throw new ValidationException("Event type " + ids.get(i).asText() + " is not an event of the resource type " + resourceType
                        + " (at EventTypeIds[" + i + "])", "EventTypeIds[" + i + "]");
            }
        }
        return ids;
    }

    private static ObjectNode target(JsonNode t, String path) {
        String type = t.path("TargetType").asText("");
        String address = t.path("TargetAddress").asText("");
        boolean ok = switch (type) {
            case "SNS" -> address.startsWith("arn:aws:sns:");
            case "AWSChatbotSlack" -> address.startsWith("https://") || address.startsWith("http://");
            default -> false;
        };
        if (!ok) {
            throw new ValidationException("Target type " + type + " with address " + address + " is not supported: use SNS with a "
                    + "topic ARN or AWSChatbotSlack with an incoming webhook URL (at " + path + ")", path);
        }
        return Json.object().put("TargetType", type).put("TargetAddress", address).put("TargetStatus", "ACTIVE");
    }

    private static ArrayNode targets(JsonNode in) {
        ArrayNode out = Json.array();
        JsonNode given = in.path("Targets");
        for (int i = 0; i < given.size(); i++) {
            out.add(target(given.get(i), "Targets[" + i + "]"));
        }
        if (out.size() > MAX_TARGETS) {
            throw new ValidationException("A notification rule has at most " + MAX_TARGETS + " targets", "Targets");
        }
        return out;
    }

    private static String detailType(JsonNode in, String dflt) {
        String d = in.path("DetailType").asText(dflt);
        if (!d.equals("BASIC") && !d.equals("FULL")) {
            throw new ValidationException("DetailType must be BASIC or FULL", "DetailType");
        }
        return d;
    }

    private static String status(JsonNode in, String dflt) {
        String s = in.path("Status").asText(dflt);
        if (!s.equals("ENABLED") && !s.equals("DISABLED")) {
            throw new ValidationException("Status must be ENABLED or DISABLED", "Status");
        }
        return s;
    }

    private JsonNode create(JsonNode in) {
        String name = required(in, "Name");
        if (!NAME.matcher(name).matches()) {
            throw new ValidationException("Name '" + name + "' is not valid", "Name");
        }
        String resource = required(in, "Resource");
        String resourceType = EventTypes.resourceTypeOfArn(resource);
        if (resourceType == null) {
            throw new ValidationException("Resource must be a pipeline's ARN (arn:aws:codepipeline:…) or a CodeDeploy application's "
                    + "(arn:aws:codedeploy:…:application:…)", "Resource");
        }
        required(in, "DetailType");
        ArrayNode ids = eventTypesOf(in, resourceType);
        ArrayNode targets = targets(in);
        String detail = detailType(in, "FULL");
        String status = status(in, "ENABLED");
        String arn = "arn:aws:codestar-notifications:" + region + ":" + accountId + ":notificationrule/"
                + sha1(accountId + "|" + name);
        Instant now = clock.instant();
        db.inTransaction(c -> {
            if (rules.byName(c, name).isPresent()) {
                throw new ResourceAlreadyExistsException("A notification rule named " + name + " already exists", "Name");
            }
            rules.insert(c, new NotificationRuleRow(arn, name, resource, detail, Json.write(ids), Json.write(targets), status,
                    Json.write(in.path("Tags").isObject() ? in.get("Tags") : Json.object()), "arn:aws:iam::" + accountId + ":root", now, now));
            return null;
        });
        return Json.object().put("Arn", arn);
    }

    private NotificationRuleRow rule(String arn) {
        return db.read(c -> rules.find(c, arn)).orElseThrow(() -> new ResourceNotFoundException("Notification rule " + arn + " does not exist", "Arn"));
    }

    private JsonNode describe(JsonNode in) {
        NotificationRuleRow r = rule(required(in, "Arn"));
        ObjectNode out = Json.object();
        out.put("Arn", r.arn());
        out.put("Name", r.name());
        ArrayNode types = out.putArray("EventTypes");
        for (JsonNode id : Json.read(r.eventTypeIds())) {
            types.add(eventType(id.asText()));
        }
        out.put("Resource", r.resource());
        out.set("Targets", Json.read(r.targets()));
        out.put("DetailType", r.detailType());
        out.put("CreatedBy", r.createdBy());
        out.put("Status", r.status());
        out.put("CreatedTimestamp", r.createdAt().toEpochMilli() / 1000.0);
        out.put("LastModifiedTimestamp", r.updatedAt().toEpochMilli() / 1000.0);
        out.set("Tags", Json.read(r.tags()));
        return out;
    }

    private static ObjectNode eventType(String id) {
        return Json.object().put("EventTypeId", id).put("ServiceName", EventTypes.serviceOf(id)).put("EventTypeName", EventTypes.ALL.get(id))
                .put("ResourceType", EventTypes.resourceTypeOf(id));
    }

    private JsonNode list(JsonNode in) {
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("NotificationRules");
        for (NotificationRuleRow r : db.read(rules::all)) {
            boolean keep = true;
            for (JsonNode f : in.path("Filters")) {
                String value = f.path("Value").asText();
                keep &= switch (f.path("Name").asText()) {
                    case "RESOURCE" -> r.resource().equals(value);
                    case "TARGET_ADDRESS" -> r.targets().contains("\"" + value + "\"");
                    case "EVENT_TYPE_ID" -> r.eventTypeIds().contains("\"" + value + "\"");
                    case "CREATED_BY" -> value.equals(r.createdBy());
                    default -> throw new ValidationException("Filter name " + f.path("Name").asText() + " is not valid", "Filters");
                };
            }
            if (keep) {
                list.addObject().put("Id", r.arn().substring(r.arn().lastIndexOf('/') + 1)).put("Arn", r.arn());
            }
        }
        return out;
    }

    private JsonNode update(JsonNode in) {
        NotificationRuleRow r = rule(required(in, "Arn"));
        String name = in.hasNonNull("Name") ? in.get("Name").asText() : r.name();
        String ids = in.has("EventTypeIds") ? Json.write(eventTypesOf(in, EventTypes.resourceTypeOfArn(r.resource()))) : r.eventTypeIds();
        String targets = in.has("Targets") ? Json.write(targets(in)) : r.targets();
        NotificationRuleRow updated = new NotificationRuleRow(r.arn(), name, r.resource(), detailType(in, r.detailType()), ids, targets,
                status(in, r.status()), r.tags(), r.createdBy(), r.createdAt(), clock.instant());
        db.inTransaction(c -> {
            rules.update(c, updated);
            return null;
        });
        return null;
    }

    private JsonNode delete(JsonNode in) {
        String arn = required(in, "Arn");
        db.inTransaction(c -> {
            rules.delete(c, arn);
            return null;
        });
        return Json.object().put("Arn", arn);
    }

    private JsonNode subscribe(JsonNode in) {
        NotificationRuleRow r = rule(required(in, "Arn"));
        ObjectNode t = target(in.path("Target"), "Target");
        ArrayNode targets = (ArrayNode) Json.read(r.targets());
        for (JsonNode existing : targets) {
            if (existing.path("TargetAddress").asText().equals(t.path("TargetAddress").asText())) {
                return Json.object().put("Arn", r.arn());
            }
        }
        targets.add(t);
        if (targets.size() > MAX_TARGETS) {
            throw new ValidationException("A notification rule has at most " + MAX_TARGETS + " targets", "Target");
        }
        save(r, targets);
        return Json.object().put("Arn", r.arn());
    }

    private JsonNode unsubscribe(JsonNode in) {
        NotificationRuleRow r = rule(required(in, "Arn"));
        String address = required(in, "TargetAddress");
        ArrayNode kept = Json.array();
        for (JsonNode t : Json.read(r.targets())) {
            if (!t.path("TargetAddress").asText().equals(address)) {
                kept.add(t);
            }
        }
        save(r, kept);
        return Json.object().put("Arn", r.arn());
    }

    private void save(NotificationRuleRow r, ArrayNode targets) {
        db.inTransaction(c -> {
            rules.update(c, new NotificationRuleRow(r.arn(), r.name(), r.resource(), r.detailType(), r.eventTypeIds(), Json.write(targets),
                    r.status(), r.tags(), r.createdBy(), r.createdAt(), clock.instant()));
            return null;
        });
    }

    private JsonNode listEventTypes(JsonNode in) {
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("EventTypes");
        for (JsonNode f : in.path("Filters")) {
            if (!List.of("SERVICE_NAME", "RESOURCE_TYPE").contains(f.path("Name").asText())) {
                throw new ValidationException("Filter name " + f.path("Name").asText() + " is not valid", "Filters");
            }
        }
        for (String id : EventTypes.ALL.keySet()) {
            boolean any = true;
            for (JsonNode f : in.path("Filters")) {
                String value = f.path("Value").asText();
                any &= "SERVICE_NAME".equals(f.path("Name").asText()) ? value.equals(EventTypes.serviceOf(id))
                        : value.equalsIgnoreCase(EventTypes.resourceTypeOf(id));
            }
            if (any) {
                list.add(eventType(id));
            }
        }
        return out;
    }

    private static String sha1(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Unused: keeps List imported for readers of the filters above. */
    static List<String> filterNames() {
        return List.of("RESOURCE", "TARGET_ADDRESS", "EVENT_TYPE_ID", "CREATED_BY");
    }
}
