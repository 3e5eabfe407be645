package dev.conveyor.cloudwatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.cloudwatch.errors.InvalidFormatFault;
import dev.conveyor.cloudwatch.errors.InvalidNextToken;
import dev.conveyor.cloudwatch.errors.InvalidParameterCombinationException;
import dev.conveyor.cloudwatch.errors.InvalidParameterValueException;
import dev.conveyor.cloudwatch.errors.MissingRequiredParameterException;
import dev.conveyor.cloudwatch.errors.ResourceNotFound;
import dev.conveyor.cloudwatch.evaluation.AlarmDefinition;
import dev.conveyor.cloudwatch.evaluation.AlarmEvaluator;
import dev.conveyor.cloudwatch.evaluation.Evaluation;
import dev.conveyor.cloudwatch.evaluation.Sample;
import dev.conveyor.cloudwatch.store.AlarmRow;
import dev.conveyor.cloudwatch.store.CloudWatchRepository;
import dev.conveyor.cloudwatch.store.DatumRow;
import dev.conveyor.cloudwatch.store.HistoryRow;
import dev.conveyor.model.alarms.AlarmStates;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * CloudWatch's metric alarms: the operations (input and output as the JSON protocol carries them, already checked
 * against the model), the evaluation of an alarm on new data and on the timer, and {@link AlarmStates} for the engine's
 * CloudWatchAlarm rule and deployments' rollback on alarm.
 */
public final class Alarms implements AlarmStates {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TREAT_MISSING = Set.of("missing", "ignore", "breaching", "notBreaching");
    private static final Set<String> COMPARISONS = Set.of("GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold",
            "LessThanOrEqualToThreshold");
    private static final Pattern PERCENTILE = Pattern.compile("p(\\d{1,2}(\\.\\d{1,10})?|100(\\.0{1,10})?)");
    /** PutMetricData accepts data up to two weeks old and two hours ahead, as CloudWatch does. */
    private static final Duration MAX_AGE = Duration.ofDays(14);
    private static final Duration MAX_AHEAD = Duration.ofHours(2);

    private final CloudWatchRepository repository;
    private final String region;
    private final String accountId;
    private final Clock clock;

    public Alarms(CloudWatchRepository repository, String region, String accountId, Clock clock) {
        this.repository = repository;
        this.region = region;
        this.accountId = accountId;
        this.clock = clock;
    }

    // ---------------------------------------------------------------- AlarmStates

    @Override
    public Optional<AlarmState> state(String alarmName) {
        return repository.find(alarmName).map(a -> new AlarmState(a.name(), a.stateValue(), a.stateReason(), a.stateUpdated()));
    }

    // ---------------------------------------------------------------- PutMetricAlarm

    public JsonNode putMetricAlarm(JsonNode input) {
        String name = input.path("AlarmName").asText();
        if (input.has("Metrics") || input.has("ThresholdMetricId")) {
            throw new InvalidParameterValueException("Metrics and ThresholdMetricId (metric math and anomaly detection) are not supported "
                    + "by this server: give MetricName, Namespace, Statistic or ExtendedStatistic, Period and Threshold", "Metrics");
        }
        if (input.has("EvaluationCriteria")) {
            throw new InvalidParameterValueException("EvaluationCriteria (PromQL alarms) is not supported by this server", "EvaluationCriteria");
        }
        for (String required : List.of("MetricName", "Namespace", "Period", "EvaluationPeriods", "Threshold", "ComparisonOperator")) {
            if (!input.has(required)) {
                throw new MissingRequiredParameterException("The parameter " + required + " is required.", required);
            }
        }
        if (input.has("Statistic") == input.has("ExtendedStatistic")) {
            throw new InvalidParameterCombinationException("Exactly one of the parameters Statistic or ExtendedStatistic must be given.",
                    input.has("Statistic") ? "ExtendedStatistic" : "Statistic");
        }
        String extended = input.path("ExtendedStatistic").asText(null);
        if (extended != null && !PERCENTILE.matcher(extended).matches()) {
            throw new InvalidParameterValueException("The value " + extended + " for parameter ExtendedStatistic is not supported: "
                    + "percentiles p0 to p100 are", "ExtendedStatistic");
        }
        int period = input.path("Period").asInt();
        if (!(period == 10 || period == 20 || period == 30 || period % 60 == 0)) {
            throw new InvalidParameterValueException("The parameter Period must be 10, 20, 30 or a multiple of 60.", "Period");
        }
        int evaluationPeriods = input.path("EvaluationPeriods").asInt();
        if ((long) period * evaluationPeriods > Duration.ofDays(7).toSeconds()) {
            throw new InvalidParameterValueException("The evaluation period (Period x EvaluationPeriods) must not exceed 7 days.",
                    "EvaluationPeriods");
        }
        int datapointsToAlarm = input.path("DatapointsToAlarm").asInt(evaluationPeriods);
        if (datapointsToAlarm > evaluationPeriods) {
            throw new InvalidParameterValueException("DatapointsToAlarm (" + datapointsToAlarm + ") must not exceed EvaluationPeriods ("
                    + evaluationPeriods + ").", "DatapointsToAlarm");
        }
        String comparison = input.path("ComparisonOperator").asText();
        if (!COMPARISONS.contains(comparison)) {
            throw new InvalidParameterValueException("The ComparisonOperator " + comparison + " needs anomaly detection, which this server "
                    + "does not support", "ComparisonOperator");
        }
        String treatMissing = input.path("TreatMissingData").asText("missing");
        if (!TREAT_MISSING.contains(treatMissing)) {
            throw new InvalidParameterValueException("The value " + treatMissing + " for parameter TreatMissingData is not valid: one of "
                    + "breaching, notBreaching, ignore, missing", "TreatMissingData");
        }
        Instant now = clock.instant();
        ObjectNode definition = ((ObjectNode) input.deepCopy());
        definition.remove("Tags");
        String dimensions = canonicalDimensions(input.path("Dimensions"), "Dimensions");
        String definitionJson = definition.toString();
        try {
            store(name, input, definition, definitionJson, dimensions, now);
        } catch (dev.conveyor.store.StoreException e) {
            if (!(e.getCause() instanceof java.sql.SQLException sql && dev.conveyor.store.StoreException.isUniqueViolation(sql))) {
                throw e;
            }
            store(name, input, definition, definitionJson, dimensions, now); // created concurrently: this one is an update
        }
        return null;
    }

    private void store(String name, JsonNode input, ObjectNode definition, String definitionJson, String dimensions, Instant now) {
        repository.withAlarm(name, (c, existing) -> {
            AlarmRow row;
            if (existing == null) {
                row = new AlarmRow(name, definitionJson, input.path("Namespace").asText(), input.path("MetricName").asText(), dimensions,
                        AlarmState.INSUFFICIENT_DATA, "Unchecked: Initial alarm creation", null, now, now, now, now);
                repository.insert(c, row);
                repository.addHistory(c, name, now, "ConfigurationUpdate", "Alarm \"" + name + "\" created",
                        historyData("Create", null, definition));
            } else {
                row = new AlarmRow(name, definitionJson, input.path("Namespace").asText(), input.path("MetricName").asText(), dimensions,
                        existing.stateValue(), existing.stateReason(), existing.stateReasonData(), existing.stateUpdated(),
                        existing.stateTransitioned(), now, now);
                repository.update(c, row);
                repository.addHistory(c, name, now, "ConfigurationUpdate", "Alarm \"" + name + "\" updated",
                        historyData("Update", read(existing.definition()), definition));
            }
            evaluate(c, row, now);
            return null;
        });
    }

    private static String historyData(String type, JsonNode before, JsonNode after) {
        ObjectNode data = JSON.createObjectNode();
        data.put("version", "1.0");
        data.put("type", type);
        if (before != null) {
            data.set("originalUpdatedAlarm", before);
        }
        data.set(before == null ? "createdAlarm" : "updatedAlarm", after);
        return data.toString();
    }

    // ---------------------------------------------------------------- DescribeAlarms

    public JsonNode describeAlarms(JsonNode input) {
        List<String> names = new ArrayList<>();
        input.path("AlarmNames").forEach(n -> names.add(n.asText()));
        String prefix = input.path("AlarmNamePrefix").asText(null);
        if (!names.isEmpty() && prefix != null) {
            throw new InvalidParameterCombinationException("AlarmNames and AlarmNamePrefix cannot be given together.", "AlarmNamePrefix");
        }
        int max = input.path("MaxRecords").asInt(50);
        String after = input.has("NextToken") ? decodeToken(input.path("NextToken").asText()) : null;
        ObjectNode output = JSON.createObjectNode();
        ArrayNode metricAlarms = output.putArray("MetricAlarms");
        output.putArray("CompositeAlarms");
        boolean metricAlarmsAsked = !input.has("AlarmTypes") || containsText(input.path("AlarmTypes"), "MetricAlarm");
        boolean compositeOnly = input.has("ChildrenOfAlarmName") || input.has("ParentsOfAlarmName");
        if (!metricAlarmsAsked || compositeOnly) {
            return output; // no composite alarms exist here
        }
        String actionPrefix = input.path("ActionPrefix").asText(null);
        String stateValue = input.path("StateValue").asText(null);
        String cursor = after;
        List<AlarmRow> page = new ArrayList<>();
        boolean more = false;
        while (page.size() <= max) {
            List<AlarmRow> batch = repository.list(cursor, names, prefix, stateValue, max + 1);
            for (AlarmRow row : batch) {
                if (actionPrefix == null || hasActionWithPrefix(row, actionPrefix)) {
                    page.add(row);
                }
            }
            if (batch.size() < max + 1) {
                break;
            }
            cursor = batch.getLast().name();
        }
        if (page.size() > max) {
            more = true;
            page = page.subList(0, max);
        }
        for (AlarmRow row : page) {
            metricAlarms.add(metricAlarm(row));
        }
        if (more) {
            output.put("NextToken", encodeToken(page.getLast().name()));
        }
        return output;
    }

    private static boolean containsText(JsonNode list, String value) {
        for (JsonNode n : list) {
            if (value.equals(n.asText())) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasActionWithPrefix(AlarmRow row, String prefix) {
        JsonNode definition = read(row.definition());
        for (String list : List.of("AlarmActions", "OKActions", "InsufficientDataActions")) {
            for (JsonNode action : definition.path(list)) {
                if (action.asText().startsWith(prefix)) {
                    return true;
                }
            }
        }
        return false;
    }

    private ObjectNode metricAlarm(AlarmRow row) {
        JsonNode d = read(row.definition());
        ObjectNode a = JSON.createObjectNode();
        a.put("AlarmName", row.name());
        a.put("AlarmArn", "arn:aws:cloudwatch:" + region + ":" + accountId + ":alarm:" + row.name());
        copy(d, a, "AlarmDescription");
        a.set("AlarmConfigurationUpdatedTimestamp", seconds(row.configurationUpdated()));
        a.put("ActionsEnabled", d.path("ActionsEnabled").asBoolean(true));
        for (String list : List.of("OKActions", "AlarmActions", "InsufficientDataActions")) {
            a.set(list, d.has(list) ? d.get(list) : JSON.createArrayNode());
        }
        a.put("StateValue", row.stateValue());
        a.put("StateReason", row.stateReason());
        if (row.stateReasonData() != null) {
            a.put("StateReasonData", row.stateReasonData());
        }
        a.set("StateUpdatedTimestamp", seconds(row.stateUpdated()));
        copy(d, a, "MetricName");
        copy(d, a, "Namespace");
        copy(d, a, "Statistic");
        copy(d, a, "ExtendedStatistic");
        a.set("Dimensions", d.has("Dimensions") ? d.get("Dimensions") : JSON.createArrayNode());
        copy(d, a, "Period");
        copy(d, a, "Unit");
        copy(d, a, "EvaluationPeriods");
        copy(d, a, "DatapointsToAlarm");
        a.put("Threshold", d.path("Threshold").asDouble());
        copy(d, a, "ComparisonOperator");
        copy(d, a, "TreatMissingData");
        copy(d, a, "EvaluateLowSampleCountPercentile");
        a.set("StateTransitionedTimestamp", seconds(row.stateTransitioned()));
        return a;
    }

    private static void copy(JsonNode from, ObjectNode to, String member) {
        if (from.has(member)) {
            to.set(member, from.get(member));
        }
    }

    private static JsonNode seconds(Instant at) {
        return DecimalNode.valueOf(BigDecimal.valueOf(at.toEpochMilli(), 3));
    }

    private static String encodeToken(String name) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("alarm:" + name).getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeToken(String token) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (text.startsWith("alarm:")) {
                return text.substring("alarm:".length());
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw new InvalidNextToken("The NextToken is not valid.", "NextToken");
    }

    // ---------------------------------------------------------------- SetAlarmState

    public JsonNode setAlarmState(JsonNode input) {
        String name = input.path("AlarmName").asText();
        String reasonData = input.path("StateReasonData").asText(null);
        if (reasonData != null) {
            try {
                JSON.readTree(reasonData);
            } catch (JsonProcessingException e) {
                throw new InvalidFormatFault("The StateReasonData is not valid JSON: " + e.getOriginalMessage(), "StateReasonData");
            }
        }
        if (!setState(name, input.path("StateValue").asText(), input.path("StateReason").asText(), reasonData)) {
            throw new ResourceNotFound("Alarm " + name + " not found", "AlarmName");
        }
        return null;
    }

    /**
     * Sets an alarm's state as SetAlarmState does: kept until the alarm's next evaluation (new data for its metric, or the
     * timer at the end of the period after this one). False when no alarm has that name.
     */
    public boolean setState(String name, String stateValue, String reason, String reasonData) {
        Instant now = clock.instant();
        return repository.withAlarm(name, (c, alarm) -> {
            if (alarm == null) {
                return false;
            }
            AlarmDefinition definition = definition(alarm);
            AlarmRow changed = alarm.withState(stateValue, reason, reasonData, now, !stateValue.equals(alarm.stateValue()));
            changed = new AlarmRow(changed.name(), changed.definition(), changed.namespace(), changed.metricName(), changed.dimensions(),
                    changed.stateValue(), changed.stateReason(), changed.stateReasonData(), changed.stateUpdated(), changed.stateTransitioned(),
                    changed.configurationUpdated(), AlarmEvaluator.nextPeriodBoundary(definition, now.plus(definition.period())));
            repository.update(c, changed);
            if (!stateValue.equals(alarm.stateValue())) {
                recordTransition(c, alarm, stateValue, reason, now);
            }
            return true;
        });
    }

    // ---------------------------------------------------------------- DeleteAlarms

    public JsonNode deleteAlarms(JsonNode input) {
        List<String> names = new ArrayList<>(new LinkedHashSet<>(texts(input.path("AlarmNames"))));
        repository.database().inTransaction(c -> {
            List<String> existing = repository.existing(c, names);
            for (String name : names) {
                if (!existing.contains(name)) {
                    throw new ResourceNotFound("Alarm " + name + " not found (no alarm was deleted)", "AlarmNames");
                }
            }
            repository.delete(c, names);
            return null;
        });
        return null;
    }

    // ---------------------------------------------------------------- PutMetricData

    public JsonNode putMetricData(JsonNode input) {
        String namespace = input.path("Namespace").asText();
        if (namespace.startsWith("AWS/")) {
            throw new InvalidParameterValueException("The value AWS/ for parameter Namespace is invalid: namespaces starting with AWS/ "
                    + "are reserved.", "Namespace");
        }
        if (input.has("EntityMetricData")) {
            throw new InvalidParameterValueException("EntityMetricData is not supported by this server; use MetricData", "EntityMetricData");
        }
        JsonNode data = input.path("MetricData");
        if (data.isEmpty()) {
            throw new MissingRequiredParameterException("The parameter MetricData is required.", "MetricData");
        }
        Instant now = clock.instant();
        List<DatumRow> rows = new ArrayList<>();
        TreeMap<String, String[]> metrics = new TreeMap<>();
        for (int i = 0; i < data.size(); i++) {
            JsonNode datum = data.get(i);
            String path = "MetricData.member." + (i + 1);
            String metric = datum.path("MetricName").asText();
            String dimensions = canonicalDimensions(datum.path("Dimensions"), path + ".Dimensions");
            Instant at = datum.has("Timestamp") ? Instant.ofEpochMilli(datum.get("Timestamp").decimalValue().movePointRight(3).longValue()) : now;
            if (at.isBefore(now.minus(MAX_AGE)) || at.isAfter(now.plus(MAX_AHEAD))) {
                throw new InvalidParameterValueException("The parameter " + path + ".Timestamp must be within the last two weeks and at most "
                        + "two hours ahead.", path + ".Timestamp");
            }
            String unit = datum.path("Unit").asText("None");
            int kinds = (datum.has("Value") ? 1 : 0) + (datum.has("StatisticValues") ? 1 : 0) + (datum.has("Values") ? 1 : 0);
            if (kinds != 1) {
                throw new InvalidParameterCombinationException("The parameters " + path + ".Value, " + path + ".StatisticValues and " + path
                        + ".Values are mutually exclusive, and one of them is required.", path + ".Value");
            }
            if (datum.has("Value")) {
                rows.add(new DatumRow(namespace, metric, dimensions, unit, Sample.value(at, datum.get("Value").asDouble())));
            } else if (datum.has("StatisticValues")) {
                JsonNode s = datum.get("StatisticValues");
                if (s.path("SampleCount").asDouble() <= 0 || s.path("Minimum").asDouble() > s.path("Maximum").asDouble()) {
                    throw new InvalidParameterValueException("The parameter " + path + ".StatisticValues needs SampleCount > 0 and "
                            + "Minimum <= Maximum.", path + ".StatisticValues");
                }
                rows.add(new DatumRow(namespace, metric, dimensions, unit, new Sample(at, s.path("SampleCount").asDouble(),
                        s.path("Sum").asDouble(), s.path("Minimum").asDouble(), s.path("Maximum").asDouble(), false)));
            } else {
                JsonNode values = datum.get("Values");
                JsonNode counts = datum.path("Counts");
                if (datum.has("Counts") && counts.size() != values.size()) {
                    throw new InvalidParameterValueException("The parameters " + path + ".Values and " + path
                            + ".Counts must have as many members.", path + ".Counts");
                }
                for (int v = 0; v < values.size(); v++) {
                    double value = values.get(v).asDouble();
                    double count = datum.has("Counts") ? counts.get(v).asDouble() : 1;
                    rows.add(new DatumRow(namespace, metric, dimensions, unit, new Sample(at, count, value * count, value, value, true)));
                }
            }
            metrics.put(metric + "\n" + dimensions, new String[] {metric, dimensions});
        }
        repository.insertData(rows);
        for (String[] m : metrics.values()) {
            for (String alarm : repository.alarmsOn(namespace, m[0], m[1])) {
                evaluateNow(alarm); // on new data, as CloudWatch re-evaluates as data arrives
            }
        }
        return null;
    }

    /** Dimensions as one comparable string: sorted by name, JSON. Names must be unique. */
    static String canonicalDimensions(JsonNode dimensions, String path) {
        TreeMap<String, String> sorted = new TreeMap<>();
        for (JsonNode d : dimensions) {
            if (sorted.put(d.path("Name").asText(), d.path("Value").asText()) != null) {
                throw new InvalidParameterValueException("The dimension " + d.path("Name").asText() + " is given twice in " + path + ".", path);
            }
        }
        ArrayNode out = JSON.createArrayNode();
        sorted.forEach((k, v) -> out.addObject().put("Name", k).put("Value", v));
        return out.toString();
    }

    // ---------------------------------------------------------------- DescribeAlarmHistory

    public JsonNode describeAlarmHistory(JsonNode input) {
        ObjectNode output = JSON.createObjectNode();
        ArrayNode items = output.putArray("AlarmHistoryItems");
        if (input.has("AlarmTypes") && !containsText(input.path("AlarmTypes"), "MetricAlarm")) {
            return output;
        }
        if (input.has("AlarmContributorId")) {
            return output;
        }
        int max = input.path("MaxRecords").asInt(100);
        boolean ascending = "TimestampAscending".equals(input.path("ScanBy").asText());
        Long after = null;
        if (input.has("NextToken")) {
            String token = decodeToken(input.path("NextToken").asText());
            try {
                after = Long.parseLong(token.startsWith("history:") ? token.substring("history:".length()) : "x");
            } catch (NumberFormatException e) {
                throw new InvalidNextToken("The NextToken is not valid.", "NextToken");
            }
        }
        List<HistoryRow> rows = repository.history(input.path("AlarmName").asText(null), input.path("HistoryItemType").asText(null),
                instant(input.get("StartDate")), instant(input.get("EndDate")), ascending, after, max + 1);
        for (HistoryRow row : rows.subList(0, Math.min(max, rows.size()))) {
            ObjectNode item = items.addObject();
            item.put("AlarmName", row.alarmName());
            item.put("AlarmType", "MetricAlarm");
            item.set("Timestamp", seconds(row.at()));
            item.put("HistoryItemType", row.itemType());
            item.put("HistorySummary", row.summary());
            item.put("HistoryData", row.data());
        }
        if (rows.size() > max) {
            output.put("NextToken", encodeToken("history:" + rows.get(max - 1).id()));
        }
        return output;
    }

    private static Instant instant(JsonNode seconds) {
        return seconds == null ? null : Instant.ofEpochMilli(seconds.decimalValue().movePointRight(3).longValue());
    }

    // ---------------------------------------------------------------- evaluation

    /** Evaluates one alarm now, under its row lock; nothing when it is gone. */
    public void evaluateNow(String name) {
        Instant now = clock.instant();
        repository.withAlarm(name, (c, alarm) -> {
            if (alarm != null) {
                evaluate(c, alarm, now);
            }
            return null;
        });
    }

    /** Evaluates every alarm whose timed evaluation is due; returns how many were evaluated here. */
    public int evaluateDue() {
        Instant now = clock.instant();
        int evaluated = 0;
        for (AlarmRow alarm : repository.due(now, 500)) {
            Instant next = AlarmEvaluator.nextPeriodBoundary(definition(alarm), now);
            if (repository.claim(alarm.name(), alarm.nextEvaluation(), next)) {
                evaluateNow(alarm.name());
                evaluated++;
            }
        }
        return evaluated;
    }

    /** Removes metric data no alarm can read any more (older than CloudWatch's two weeks of PutMetricData). */
    public int pruneData() {
        return repository.pruneData(clock.instant().minus(MAX_AGE).minus(Duration.ofDays(7)));
    }

    private void evaluate(Connection c, AlarmRow alarm, Instant now) throws SQLException {
        AlarmDefinition definition = definition(alarm);
        JsonNode config = read(alarm.definition());
        List<Sample> samples = repository.samples(c, alarm.namespace(), alarm.metricName(), alarm.dimensions(),
                config.path("Unit").asText(null), AlarmEvaluator.windowStart(definition, now));
        Evaluation result = AlarmEvaluator.evaluate(definition, samples, now);
        Instant next = AlarmEvaluator.nextPeriodBoundary(definition, now);
        Instant scheduled = alarm.nextEvaluation().isAfter(now) && alarm.nextEvaluation().isBefore(next) ? alarm.nextEvaluation() : next;
        if (result.keep() || result.stateValue().equals(alarm.stateValue())) {
            if (!scheduled.equals(alarm.nextEvaluation())) {
                repository.update(c, withNext(alarm, scheduled));
            }
            return;
        }
        AlarmRow changed = withNext(alarm.withState(result.stateValue(), result.reason(), result.reasonData(), now, true), scheduled);
        repository.update(c, changed);
        recordTransition(c, alarm, result.stateValue(), result.reason(), now);
    }

    private static AlarmRow withNext(AlarmRow a, Instant next) {
        return new AlarmRow(a.name(), a.definition(), a.namespace(), a.metricName(), a.dimensions(), a.stateValue(), a.stateReason(),
                a.stateReasonData(), a.stateUpdated(), a.stateTransitioned(), a.configurationUpdated(), next);
    }

    private void recordTransition(Connection c, AlarmRow before, String newState, String reason, Instant now) throws SQLException {
        ObjectNode data = JSON.createObjectNode();
        data.put("version", "1.0");
        data.putObject("oldState").put("stateValue", before.stateValue()).put("stateReason", before.stateReason());
        data.putObject("newState").put("stateValue", newState).put("stateReason", reason);
        repository.addHistory(c, before.name(), now, "StateUpdate", "Alarm updated from " + before.stateValue() + " to " + newState,
                data.toString());
    }

    static AlarmDefinition definition(AlarmRow alarm) {
        JsonNode d = read(alarm.definition());
        int evaluationPeriods = d.path("EvaluationPeriods").asInt(1);
        return new AlarmDefinition(d.path("Statistic").asText(null), d.path("ExtendedStatistic").asText(null),
                Duration.ofSeconds(d.path("Period").asInt(60)), evaluationPeriods, d.path("DatapointsToAlarm").asInt(evaluationPeriods),
                d.path("Threshold").asDouble(), d.path("ComparisonOperator").asText(), d.path("TreatMissingData").asText("missing"));
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored alarm JSON does not parse", e);
        }
    }

    private static List<String> texts(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.asText()));
        return out;
    }
}
