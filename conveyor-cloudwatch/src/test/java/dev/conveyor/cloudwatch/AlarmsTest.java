package dev.conveyor.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.cloudwatch.alertmanager.AlertmanagerWebhook;
import dev.conveyor.cloudwatch.errors.InvalidFormatFault;
import dev.conveyor.cloudwatch.errors.InvalidNextToken;
import dev.conveyor.cloudwatch.errors.InvalidParameterCombinationException;
import dev.conveyor.cloudwatch.errors.InvalidParameterValueException;
import dev.conveyor.cloudwatch.errors.ResourceNotFound;
import dev.conveyor.model.alarms.AlarmStates.AlarmState;
import dev.conveyor.store.Database;
import dev.conveyor.testkit.MovableClock;
import dev.conveyor.testkit.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Alarms over a real database (both kinds) with a clock moved by hand: evaluation on new data and on the timer,
 * SetAlarmState until the next evaluation, DescribeAlarms' filters and pages, DeleteAlarms, history, Alertmanager.
 */
class AlarmsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-03-01T12:00:05Z");

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    private static JsonNode alarm(String name, String extra) throws Exception {
        return json("""
                {"AlarmName": "%s", "Namespace": "App", "MetricName": "Errors", "Dimensions": [{"Name": "Service", "Value": "web"}],
                 "Statistic": "Sum", "Period": 60, "EvaluationPeriods": 2, "DatapointsToAlarm": 1, "Threshold": 5,
                 "ComparisonOperator": "GreaterThanOrEqualToThreshold"%s}""".formatted(name, extra));
    }

    private static JsonNode data(double value, String dimension) throws Exception {
        return json("""
                {"Namespace": "App", "MetricData": [{"MetricName": "Errors", "Value": %s, "Unit": "Count",
                 "Dimensions": [{"Name": "Service", "Value": "%s"}]}]}""".formatted(value, dimension));
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void alarmsFollowTheirMetricOnNewDataAndOnTheTimer(String kind) throws Exception {
        MovableClock clock = MovableClock.at(START);
        try (Database database = Database.open(TestDatabases.freshUrl(kind));
             CloudWatchServices services = CloudWatchServices.open(database, "us-east-1", "000000000000", clock,
                     CloudWatchServices.Settings.defaults())) {
            Alarms alarms = services.alarms();
            alarms.putMetricAlarm(alarm("errors", ""));
            assertThat(alarms.state("errors")).hasValueSatisfying(s -> assertThat(s.stateValue()).isEqualTo(AlarmState.INSUFFICIENT_DATA));
            assertThat(alarms.state("nope")).isEmpty();

            alarms.putMetricData(data(3, "web"));
            assertThat(alarms.state("errors").orElseThrow().stateValue()).as("3 < 5").isEqualTo("OK");
            alarms.putMetricData(data(4, "other"));
            assertThat(alarms.state("errors").orElseThrow().stateValue()).as("another dimension is another metric").isEqualTo("OK");
            alarms.putMetricData(data(2, "web"));
            AlarmState alarmed = alarms.state("errors").orElseThrow();
            assertThat(alarmed.stateValue()).as("the period's sum reached 5").isEqualTo("ALARM");
            assertThat(alarmed.stateReason()).contains("1 out of the last 2 datapoints [5.0", "greater than or equal to the threshold (5.0)");
            assertThat(alarmed.stateUpdatedTimestamp()).isEqualTo(START);

            clock.advance(Duration.ofSeconds(60));
            assertThat(alarms.evaluateDue()).isEqualTo(1);
            assertThat(alarms.state("errors").orElseThrow().stateValue()).as("the breaching period is still in the window").isEqualTo("ALARM");
            assertThat(alarms.evaluateDue()).as("nothing is due before the next period ends").isZero();
            clock.advance(Duration.ofSeconds(60));
            assertThat(alarms.evaluateDue()).isEqualTo(1);
            assertThat(alarms.state("errors").orElseThrow().stateValue()).as("the last 2 complete periods").isEqualTo("ALARM");
            clock.advance(Duration.ofSeconds(60));
            assertThat(alarms.evaluateDue()).isEqualTo(1);
            assertThat(alarms.state("errors").orElseThrow().stateValue()).as("no data in 2 periods: missing").isEqualTo("INSUFFICIENT_DATA");

            JsonNode history = alarms.describeAlarmHistory(json("{\"AlarmName\": \"errors\", \"HistoryItemType\": \"StateUpdate\"}"));
            assertThat(history.path("AlarmHistoryItems")).extracting(i -> i.path("HistorySummary").asText()).containsExactly(
                    "Alarm updated from ALARM to INSUFFICIENT_DATA", "Alarm updated from OK to ALARM",
                    "Alarm updated from INSUFFICIENT_DATA to OK");
            JsonNode configuration = alarms.describeAlarmHistory(json("{\"HistoryItemType\": \"ConfigurationUpdate\"}"));
            assertThat(configuration.path("AlarmHistoryItems").get(0).path("HistorySummary").asText()).isEqualTo("Alarm \"errors\" created");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void setAlarmStateHoldsUntilTheNextEvaluation(String kind) throws Exception {
        MovableClock clock = MovableClock.at(START);
        try (Database database = Database.open(TestDatabases.freshUrl(kind));
             CloudWatchServices services = CloudWatchServices.open(database, "us-east-1", "000000000000", clock,
                     CloudWatchServices.Settings.defaults())) {
            Alarms alarms = services.alarms();
            alarms.putMetricAlarm(alarm("manual", ""));
            alarms.putMetricAlarm(alarm("held", ", \"TreatMissingData\": \"ignore\""));
            for (String name : new String[] {"manual", "held"}) {
                alarms.setAlarmState(json("{\"AlarmName\": \"" + name + "\", \"StateValue\": \"ALARM\", \"StateReason\": \"by hand\", "
                        + "\"StateReasonData\": \"{\\\"why\\\": 1}\"}"));
            }
            assertThat(alarms.state("manual").orElseThrow().stateReason()).isEqualTo("by hand");
            clock.advance(Duration.ofSeconds(60));
            assertThat(alarms.evaluateDue()).as("not before a full period has passed").isZero();
            clock.advance(Duration.ofSeconds(60));
            assertThat(alarms.evaluateDue()).isEqualTo(2);
            assertThat(alarms.state("manual").orElseThrow().stateValue()).isEqualTo("INSUFFICIENT_DATA");
            assertThat(alarms.state("held").orElseThrow().stateValue()).as("ignore keeps the state without data").isEqualTo("ALARM");

            assertThatThrownBy(() -> alarms.setAlarmState(json("{\"AlarmName\": \"ghost\", \"StateValue\": \"OK\", \"StateReason\": \"x\"}")))
                    .isInstanceOf(ResourceNotFound.class);
            assertThatThrownBy(() -> alarms.setAlarmState(json("{\"AlarmName\": \"held\", \"StateValue\": \"OK\", \"StateReason\": \"x\", "
                    + "\"StateReasonData\": \"not json\"}"))).isInstanceOf(InvalidFormatFault.class)
                    .extracting(e -> ((InvalidFormatFault) e).path()).isEqualTo("StateReasonData");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void describesFiltersPagesAndDeletesAlarms(String kind) throws Exception {
        MovableClock clock = MovableClock.at(START);
        try (Database database = Database.open(TestDatabases.freshUrl(kind));
             CloudWatchServices services = CloudWatchServices.open(database, "us-east-1", "000000000000", clock,
                     CloudWatchServices.Settings.defaults())) {
            Alarms alarms = services.alarms();
            for (String name : new String[] {"web-5xx", "web-latency", "db-cpu", "web-errors"}) {
                alarms.putMetricAlarm(alarm(name, ", \"AlarmActions\": [\"arn:aws:sns:us-east-1:000000000000:" + name + "\"]"));
            }
            alarms.setAlarmState(json("{\"AlarmName\": \"web-latency\", \"StateValue\": \"ALARM\", \"StateReason\": \"slow\"}"));
            assertThat(names(alarms.describeAlarms(json("{\"AlarmNamePrefix\": \"web-\"}")))).containsExactly("web-5xx", "web-errors", "web-latency");
            assertThat(names(alarms.describeAlarms(json("{\"StateValue\": \"ALARM\"}")))).containsExactly("web-latency");
            assertThat(names(alarms.describeAlarms(json("{\"AlarmNames\": [\"db-cpu\", \"ghost\"]}")))).containsExactly("db-cpu");
            assertThat(names(alarms.describeAlarms(json("{\"ActionPrefix\": \"arn:aws:sns:us-east-1:000000000000:db\"}")))).containsExactly("db-cpu");
            assertThat(names(alarms.describeAlarms(json("{\"AlarmTypes\": [\"CompositeAlarm\"]}")))).isEmpty();

            JsonNode first = alarms.describeAlarms(json("{\"MaxRecords\": 3}"));
            assertThat(names(first)).containsExactly("db-cpu", "web-5xx", "web-errors");
            JsonNode second = alarms.describeAlarms(json("{\"MaxRecords\": 3, \"NextToken\": \"" + first.path("NextToken").asText() + "\"}"));
            assertThat(names(second)).containsExactly("web-latency");
            assertThat(second.has("NextToken")).isFalse();
            JsonNode described = first.path("MetricAlarms").get(0);
            assertThat(described.path("AlarmArn").asText()).isEqualTo("arn:aws:cloudwatch:us-east-1:000000000000:alarm:db-cpu");
            assertThat(described.path("Dimensions").get(0).path("Value").asText()).isEqualTo("web");
            assertThat(described.path("Threshold").asDouble()).isEqualTo(5.0);

            assertThatThrownBy(() -> alarms.describeAlarms(json("{\"NextToken\": \"garbage!\"}"))).isInstanceOf(InvalidNextToken.class);
            assertThatThrownBy(() -> alarms.describeAlarms(json("{\"AlarmNames\": [\"a\"], \"AlarmNamePrefix\": \"b\"}")))
                    .isInstanceOf(InvalidParameterCombinationException.class);

            assertThatThrownBy(() -> alarms.deleteAlarms(json("{\"AlarmNames\": [\"db-cpu\", \"ghost\"]}"))).isInstanceOf(ResourceNotFound.class);
            assertThat(alarms.state("db-cpu")).as("nothing is deleted when one name is unknown").isPresent();
            alarms.deleteAlarms(json("{\"AlarmNames\": [\"db-cpu\", \"web-5xx\"]}"));
            assertThat(names(alarms.describeAlarms(json("{}")))).containsExactly("web-errors", "web-latency");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void refusesWhatItCannotEvaluateNamingTheParameter(String kind) throws Exception {
        MovableClock clock = MovableClock.at(START);
        try (Database database = Database.open(TestDatabases.freshUrl(kind));
             CloudWatchServices services = CloudWatchServices.open(database, "us-east-1", "000000000000", clock,
                     CloudWatchServices.Settings.defaults())) {
            Alarms alarms = services.alarms();
            assertThatThrownBy(() -> alarms.putMetricAlarm(alarm("a", ", \"ExtendedStatistic\": \"p99\"")))
                    .isInstanceOf(InvalidParameterCombinationException.class);
            assertThatThrownBy(() -> alarms.putMetricAlarm(json("{\"AlarmName\": \"a\", \"Namespace\": \"App\", \"MetricName\": \"M\", "
                    + "\"Statistic\": \"Sum\", \"Period\": 45, \"EvaluationPeriods\": 1, \"Threshold\": 1, "
                    + "\"ComparisonOperator\": \"GreaterThanThreshold\"}")))
                    .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("Period");
            assertThatThrownBy(() -> alarms.putMetricAlarm(alarm("a", ", \"TreatMissingData\": \"sometimes\"")))
                    .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("TreatMissingData");
            assertThatThrownBy(() -> alarms.putMetricAlarm(json(alarm("a", "").toString().replace("\"DatapointsToAlarm\":1", "\"DatapointsToAlarm\":3"))))
                    .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("DatapointsToAlarm");
            assertThatThrownBy(() -> alarms.putMetricData(json("{\"Namespace\": \"AWS/EC2\", \"MetricData\": [{\"MetricName\": \"M\", \"Value\": 1}]}")))
                    .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("Namespace");
            assertThatThrownBy(() -> alarms.putMetricData(json("{\"Namespace\": \"App\", \"MetricData\": [{\"MetricName\": \"M\", \"Value\": 1, "
                    + "\"Values\": [1]}]}"))).isInstanceOf(InvalidParameterCombinationException.class)
                    .extracting(e -> ((InvalidParameterCombinationException) e).path()).isEqualTo("MetricData.member.1.Value");
            assertThat(alarms.describeAlarms(json("{}")).path("MetricAlarms")).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void alertmanagerNotificationsSetAlarmsWithTheSharedToken(String kind) throws Exception {
        MovableClock clock = MovableClock.at(START);
        try (Database database = Database.open(TestDatabases.freshUrl(kind));
             CloudWatchServices services = CloudWatchServices.open(database, "us-east-1", "000000000000", clock,
                     CloudWatchServices.Settings.defaults())) {
            Alarms alarms = services.alarms();
            alarms.putMetricAlarm(alarm("HighErrorRate", ", \"TreatMissingData\": \"ignore\""));
            AlertmanagerWebhook webhook = new AlertmanagerWebhook(alarms, "s3cret", null);
            byte[] firing = alertmanagerPayload("firing", "firing", "resolved").getBytes(StandardCharsets.UTF_8);

            assertThat(webhook.handle(null, firing).status()).isEqualTo(401);
            assertThat(webhook.handle("Bearer wrong", firing).status()).isEqualTo(401);
            assertThat(new AlertmanagerWebhook(alarms, null, null).handle("Bearer s3cret", firing).status()).as("off without a token")
                    .isEqualTo(403);
            assertThat(webhook.handle("Bearer s3cret", "{\"alerts\": 3}".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(400);
            assertThat(alarms.state("HighErrorRate").orElseThrow().stateValue()).isEqualTo("INSUFFICIENT_DATA");

            AlertmanagerWebhook.Answer answer = webhook.handle("Bearer s3cret", firing);
            assertThat(answer.status()).isEqualTo(200);
            assertThat(JSON.readTree(answer.body()).path("updated").get(0).path("stateValue").asText()).isEqualTo("ALARM");
            assertThat(JSON.readTree(answer.body()).path("unknown")).extracting(JsonNode::asText).containsExactly("NoSuchAlarm");
            AlarmState state = alarms.state("HighErrorRate").orElseThrow();
            assertThat(state.stateValue()).as("one firing alert of two puts the alarm in ALARM").isEqualTo("ALARM");
            assertThat(state.stateReason()).isEqualTo("Alertmanager: HighErrorRate firing: 5xx above 5% on web-1");

            webhook.handle("Bearer s3cret", alertmanagerPayload("resolved", "resolved", "resolved").getBytes(StandardCharsets.UTF_8));
            assertThat(alarms.state("HighErrorRate").orElseThrow().stateValue()).isEqualTo("OK");

            AlertmanagerWebhook bySeverityLabel = new AlertmanagerWebhook(alarms, "s3cret", "cloudwatch_alarm");
            bySeverityLabel.handle("Bearer s3cret", alertmanagerPayload("firing", "firing", "firing").getBytes(StandardCharsets.UTF_8));
            assertThat(alarms.state("HighErrorRate").orElseThrow().stateValue()).as("the configured label names the alarm").isEqualTo("ALARM");
        }
    }

    /** A notification as Alertmanager 0.27 sends it (webhook payload version 4): two alerts for HighErrorRate, one for an unknown alarm. */
    private static String alertmanagerPayload(String group, String first, String second) {
        return """
                {"version": "4", "groupKey": "{}:{alertname=\\"HighErrorRate\\"}", "truncatedAlerts": 0, "status": "%s",
                 "receiver": "conveyor", "groupLabels": {"alertname": "HighErrorRate"}, "commonLabels": {"alertname": "HighErrorRate"},
                 "commonAnnotations": {}, "externalURL": "http://alertmanager:9093",
                 "alerts": [
                  {"status": "%s", "labels": {"alertname": "HighErrorRate", "instance": "web-1", "cloudwatch_alarm": "HighErrorRate"},
                   "annotations": {"summary": "5xx above 5%% on web-1"}, "startsAt": "2026-03-01T12:00:00Z",
                   "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "http://prometheus:9090/graph", "fingerprint": "a1"},
                  {"status": "%s", "labels": {"alertname": "HighErrorRate", "instance": "web-2"},
                   "annotations": {"summary": "5xx above 5%% on web-2"}, "startsAt": "2026-03-01T12:00:00Z",
                   "endsAt": "2026-03-01T12:04:00Z", "generatorURL": "http://prometheus:9090/graph", "fingerprint": "a2"},
                  {"status": "firing", "labels": {"alertname": "NoSuchAlarm"}, "annotations": {}, "startsAt": "2026-03-01T12:00:00Z",
                   "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "", "fingerprint": "a3"}]}
                """.formatted(group, first, second);
    }

    private static java.util.List<String> names(JsonNode output) {
        java.util.List<String> names = new java.util.ArrayList<>();
        output.path("MetricAlarms").forEach(a -> names.add(a.path("AlarmName").asText()));
        return names;
    }
}
