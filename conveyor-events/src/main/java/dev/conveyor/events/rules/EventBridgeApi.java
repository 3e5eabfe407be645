package dev.conveyor.events.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.events.EventEnvelope;
import dev.conveyor.events.Json;
import dev.conveyor.events.outbox.CodePipelineEvents;
import dev.conveyor.events.outbox.Outbox;
import dev.conveyor.events.outbox.OutboxRow;
import dev.conveyor.store.Database;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;


/**
 * EventBridge's operations on the default event bus (AWS JSON 1.1, target prefix {@code AWSEvents}): PutRule,
 * DescribeRule, ListRules, DeleteRule, EnableRule, DisableRule, PutTargets, ListTargetsByRule, RemoveTargets and
 * PutEvents. Targets may be an SNS topic ARN, a pipeline ARN (starts the pipeline) or an {@code http(s)://} URL
 * (a webhook signed with HMAC-SHA256, Conveyor's own target; see docs/notifications.md).
 */
public final class EventBridgeApi {
    /** A webhook target's signing secret, read from its HttpParameters.HeaderParameters and never sent. */
    public static final String WEBHOOK_SECRET_PARAMETER = "X-Conveyor-Webhook-Secret";
    private static final int MAX_TARGETS_PER_RULE = 5;

    private final Database db;
    private final Rules rules = new Rules();
    private final Outbox outbox;
    private final String region;
    private final String accountId;
    private final EventEnvelope envelope;
    private final Clock clock;
    private final Runnable written;

    public EventBridgeApi(Database db, Outbox outbox, String region, String accountId, Clock clock, Runnable written) {
        this.db = db;
        this.outbox = outbox;
        this.region = region;
        this.accountId = accountId;
        this.envelope = new EventEnvelope(region, accountId);
        this.clock = clock;
        this.written = written;
    }

    /** The operations by name, each taking the request's JSON and answering the response's. */
    public Map<String, java.util.function.Function<JsonNode, JsonNode>> operations() {
        Map<String, java.util.function.Function<JsonNode, JsonNode>> ops = new LinkedHashMap<>();
        ops.put("PutRule", this::putRule);
        ops.put("DescribeRule", this::describeRule);
        ops.put("ListRules", this::listRules);
        ops.put("DeleteRule", this::deleteRule);
        ops.put("EnableRule", in -> setState(in, "ENABLED"));
        ops.put("DisableRule", in -> setState(in, "DISABLED"));
        ops.put("PutTargets", this::putTargets);
        ops.put("ListTargetsByRule", this::listTargets);
        ops.put("RemoveTargets", this::removeTargets);
        ops.put("PutEvents", this::putEvents);
        return ops;
    }

    public String ruleArn(String name) {
        return "arn:aws:events:" + region + ":" + accountId + ":rule/" + name;
    }

    private static void defaultBus(JsonNode in) {
        String bus = in.path("EventBusName").asText("default");
        if (!bus.equals("default") && !bus.endsWith(":event-bus/default")) {
            throw new ResourceNotFoundException("Event bus " + bus + " does not exist.", "EventBusName");
        }
    }

    JsonNode putRule(JsonNode in) {
        defaultBus(in);
        String name = in.path("Name").asText();
        String pattern = in.hasNonNull("EventPattern") ? in.get("EventPattern").asText() : null;
        String schedule = in.hasNonNull("ScheduleExpression") ? in.get("ScheduleExpression").asText() : null;
        if (pattern == null && schedule == null) {
            throw new ValidationException("Parameter(s) EventPattern or ScheduleExpression must be specified.", "EventPattern");
        }
        if (pattern != null) {
            EventPattern.parse(pattern);
        }
        if (schedule != null) {
            Schedule.parse(schedule);
        }
        String state = in.path("State").asText("ENABLED");
        if (!state.equals("ENABLED") && !state.equals("DISABLED")) {
            throw new ValidationException("State must be ENABLED or DISABLED", "State");
        }
        String arn = ruleArn(name);
        db.inTransaction(c -> {
            rules.put(c, new RuleRow(name, arn, pattern, schedule, state, text(in, "Description"), text(in, "RoleArn"), clock.instant(), null));
            return null;
        });
        return Json.object().put("RuleArn", arn);
    }

    private RuleRow rule(String name) {
        return db.read(c -> rules.find(c, name))
                .orElseThrow(() -> new ResourceNotFoundException("Rule " + name + " does not exist on EventBus default.", "Name"));
    }

    JsonNode describeRule(JsonNode in) {
        defaultBus(in);
        return ruleJson(rule(in.path("Name").asText()));
    }

    private ObjectNode ruleJson(RuleRow r) {
        ObjectNode o = Json.object();
        o.put("Name", r.name());
        o.put("Arn", r.arn());
        if (r.eventPattern() != null) {
            o.put("EventPattern", r.eventPattern());
        }
        if (r.scheduleExpression() != null) {
            o.put("ScheduleExpression", r.scheduleExpression());
        }
        o.put("State", r.state());
        if (r.description() != null) {
            o.put("Description", r.description());
        }
        if (r.roleArn() != null) {
            o.put("RoleArn", r.roleArn());
        }
        o.put("EventBusName", "default");
        o.put("CreatedBy", accountId);
        return o;
    }

    JsonNode listRules(JsonNode in) {
        defaultBus(in);
        int limit = in.path("Limit").asInt(100);
        int start = in.hasNonNull("NextToken") ? parseToken(in.get("NextToken").asText()) : 0;
        List<RuleRow> all = db.read(c -> rules.list(c, text(in, "NamePrefix")));
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("Rules");
        for (int i = start; i < Math.min(all.size(), start + limit); i++) {
            list.add(ruleJson(all.get(i)));
        }
        if (start + limit < all.size()) {
            out.put("NextToken", Integer.toString(start + limit));
        }
        return out;
    }

    private static int parseToken(String token) {
        try {
            return Integer.parseInt(token);
        } catch (NumberFormatException e) {
            throw new ValidationException("The NextToken is not valid.", "NextToken");
        }
    }

    JsonNode deleteRule(JsonNode in) {
        defaultBus(in);
        String name = in.path("Name").asText();
        db.inTransaction(c -> {
            if (rules.find(c, name).isEmpty()) {
                return null; // DeleteRule of a missing rule succeeds
            }
            if (!rules.targets(c, name).isEmpty() && !in.path("Force").asBoolean(false)) {
                throw new ValidationException("Rule can't be deleted since it has targets.", "Name");
            }
            rules.delete(c, name);
            return null;
        });
        return null;
    }

    JsonNode setState(JsonNode in, String state) {
        defaultBus(in);
        String name = in.path("Name").asText();
        rule(name);
        db.inTransaction(c -> {
            rules.setState(c, name, state);
            return null;
        });
        return null;
    }

    JsonNode putTargets(JsonNode in) {
        defaultBus(in);
        String name = in.path("Rule").asText();
        rule(name);
        ObjectNode out = Json.object();
        ArrayNode failed = out.putArray("FailedEntries");
        db.inTransaction(c -> {
            List<JsonNode> existing = rules.targets(c, name);
            long count = existing.size();
            for (JsonNode target : in.path("Targets")) {
                String id = target.path("Id").asText();
                String arn = target.path("Arn").asText();
                String problem = targetProblem(arn, target);
                boolean isNew = existing.stream().noneMatch(t -> t.path("Id").asText().equals(id));
                if (problem == null && isNew && count >= MAX_TARGETS_PER_RULE) {
                    throw new LimitExceededException("The requested resource exceeds the maximum number allowed (" + MAX_TARGETS_PER_RULE
                            + " targets per rule).", "Targets");
                }
                if (problem != null) {
                    failed.addObject().put("TargetId", id).put("ErrorCode", "ValidationException").put("ErrorMessage", problem);
                    continue;
                }
                rules.putTarget(c, name, id, target);
                if (isNew) {
                    count++;
                }
            }
            return null;
        });
        out.put("FailedEntryCount", failed.size());
        return out;
    }

    private static String targetProblem(String arn, JsonNode target) {
        if (arn.startsWith("arn:aws:sns:") || arn.startsWith("arn:aws:codepipeline:")) {
            return null;
        }
        if (arn.startsWith("http://") || arn.startsWith("https://")) {
            return target.path("HttpParameters").path("HeaderParameters").hasNonNull(WEBHOOK_SECRET_PARAMETER) ? null
                    : "A webhook target needs HttpParameters.HeaderParameters." + WEBHOOK_SECRET_PARAMETER + " (its signing secret)";
        }
        return "Target " + arn + " is not supported: use an SNS topic ARN, a CodePipeline pipeline ARN or an http(s) URL";
    }

    JsonNode listTargets(JsonNode in) {
        defaultBus(in);
        String name = in.path("Rule").asText();
        rule(name);
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("Targets");
        for (JsonNode t : db.read(c -> rules.targets(c, name))) {
            ObjectNode copy = t.deepCopy();
            if (copy.path("HttpParameters").path("HeaderParameters").has(WEBHOOK_SECRET_PARAMETER)) {
                ((ObjectNode) copy.path("HttpParameters").path("HeaderParameters")).put(WEBHOOK_SECRET_PARAMETER, "****");
            }
            list.add(copy);
        }
        return out;
    }

    JsonNode removeTargets(JsonNode in) {
        defaultBus(in);
        String name = in.path("Rule").asText();
        rule(name);
        ObjectNode out = Json.object();
        ArrayNode failed = out.putArray("FailedEntries");
        db.inTransaction(c -> {
            for (JsonNode id : in.path("Ids")) {
                if (!rules.removeTarget(c, name, id.asText())) {
                    failed.addObject().put("TargetId", id.asText()).put("ErrorCode", "ResourceNotFoundException")
                            .put("ErrorMessage", "Target " + id.asText() + " is not on rule " + name);
                }
            }
            return null;
        });
        out.put("FailedEntryCount", failed.size());
        return out;
    }

    /** Users' own events: each entry becomes an event in the outbox, routed like CodePipeline's. */
    JsonNode putEvents(JsonNode in) {
        ObjectNode out = Json.object();
        ArrayNode entries = out.putArray("Entries");
        int failedCount = 0;
        Instant now = clock.instant();
        List<Object[]> toWrite = new java.util.ArrayList<>();
        for (JsonNode e : in.path("Entries")) {
            String source = e.path("Source").asText("");
            String detailType = e.path("DetailType").asText("");
            String detail = e.path("Detail").asText("");
            String bus = e.path("EventBusName").asText("default");
            String error = null;
            String code = null;
            JsonNode detailJson = null;
            if (source.isEmpty() || detailType.isEmpty() || detail.isEmpty()) {
                code = "InvalidArgument";
                error = "Parameters Source, DetailType and Detail are required.";
            } else if (source.startsWith("aws.")) {
                code = "NotAuthorizedForSourceException";
                error = "Not authorized for the source " + source + ".";
            } else if (!bus.equals("default") && !bus.endsWith(":event-bus/default")) {
                code = "InvalidArgument";
                error = "Event bus " + bus + " does not exist.";
            } else {
                try {
                    detailJson = Json.read(detail);
                    if (!detailJson.isObject()) {
                        throw new IllegalArgumentException("not an object");
                    }
                } catch (IllegalArgumentException x) {
                    code = "MalformedDetail";
                    error = "Detail is malformed.";
                }
            }
            if (error != null) {
                entries.addObject().put("ErrorCode", code).put("ErrorMessage", error);
                failedCount++;
                continue;
            }
            String id = CodePipelineEvents.newId();
            List<String> resources = new ArrayList<>();
            e.path("Resources").forEach(r -> resources.add(r.asText()));
            ObjectNode event = envelope.around(detailJson, id, source, detailType,
                    e.hasNonNull("Time") ? Instant.ofEpochMilli((long) (e.get("Time").asDouble() * 1000)) : now, resources);
            toWrite.add(new Object[] {id, detailType, Json.write(event)});
            entries.addObject().put("EventId", id);
        }
        db.inTransaction(c -> {
            for (Object[] w : toWrite) {
                outbox.add(c, (String) w[0], OutboxRow.EVENT, null, null, (String) w[1], null, null, (String) w[2], now);
            }
            return null;
        });
        written.run();
        out.put("FailedEntryCount", failedCount);
        return out;
    }

    /** Fires due schedule rules: each firing is one "Scheduled Event" for that rule alone, written once. */
    public void fireSchedules() {
        Instant now = clock.instant();
        boolean any = false;
        for (RuleRow rule : db.read(rules::enabled)) {
            if (rule.scheduleExpression() == null) {
                continue;
            }
            Instant since = rule.lastFiredAt() == null ? rule.createdAt() : rule.lastFiredAt();
            Instant due = Schedule.parse(rule.scheduleExpression()).latestDue(since, now);
            if (due == null) {
                continue;
            }
            any |= db.inTransaction(c -> {
                if (!rules.fired(c, rule.name(), due)) {
                    return false;
                }
                String id = CodePipelineEvents.newId();
                ObjectNode event = envelope.around(Json.object(), id, "aws.events", SCHEDULED_EVENT, due, List.of(rule.arn()));
                outbox.add(c, id, OutboxRow.EVENT, null, null, SCHEDULED_EVENT, null, null, Json.write(event), now);
                return true;
            });
        }
        if (any) {
            written.run();
        }
    }

    public static final String SCHEDULED_EVENT = "Scheduled Event";

    /**
     * S3's "Object Created" event for a new object version of the server's S3 endpoint, as S3 sends it to EventBridge,
     * written only while some enabled rule's pattern names {@code aws.s3} (artifact writes would otherwise fill the
     * outbox). It is written after the object is stored, in a transaction of its own: a crash in between loses it.
     */
    public void objectCreated(String bucket, String key, long size, String etag, String versionId, String reason) {
        boolean wanted = db.read(rules::enabled).stream().anyMatch(r -> r.eventPattern() != null && r.eventPattern().contains("\"aws.s3\""));
        if (!wanted) {
            return;
        }
        Instant now = clock.instant();
        String id = CodePipelineEvents.newId();
        ObjectNode detail = Json.object();
        detail.put("version", "0");
        detail.putObject("bucket").put("name", bucket);
        ObjectNode object = detail.putObject("object");
        object.put("key", key);
        object.put("size", size);
        object.put("etag", etag);
        if (versionId != null && !"null".equals(versionId)) {
            object.put("version-id", versionId);
        }
        object.put("sequencer", String.format("%016X", now.toEpochMilli()));
        detail.put("request-id", id);
        detail.put("requester", accountId);
        detail.put("reason", reason);
        ObjectNode event = envelope.around(detail, id, "aws.s3", "Object Created", now, List.of("arn:aws:s3:::" + bucket));
        db.inTransaction(c -> {
            outbox.add(c, id, OutboxRow.EVENT, null, null, "Object Created", null, null, Json.write(event), now);
            return null;
        });
        written.run();
    }

    private static String text(JsonNode in, String field) {
        return in.hasNonNull(field) ? in.get(field).asText() : null;
    }

}
