package dev.conveyor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.testkit.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The unmodified AWS CLI (which speaks JSON 1.0 to CloudWatch) against the packaged server, on both databases:
 * put-metric-alarm, put-metric-data driving the alarm, set-alarm-state, describe-alarms with its filters,
 * describe-alarm-history, delete-alarms and the errors; and the Alertmanager webhook enabled by --alertmanager-token.
 */
@Execution(ExecutionMode.CONCURRENT) // its tests are independent: they share the pool with other classes (junit-platform.properties)
class AwsCliCloudWatchTest {
    @TempDir
    Path work;

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void theAwsCliManagesAlarmsThatMetricsAndAlertmanagerDrive(String kind) throws Exception {
        List<String> args = new ArrayList<>(List.of("--alertmanager-token", "e2e-token"));
        if (!"h2".equals(kind)) {
            args.addAll(List.of("--database", TestDatabases.freshUrl(kind)));
        }
        try (ConveyorProcess server = ConveyorProcess.start(work.resolve("data"), args.toArray(String[]::new))) {
            AwsCli aws = new AwsCli(server.endpoint(), work);
            aws.ok("cloudwatch", "put-metric-alarm", "--alarm-name", "checkout-latency", "--namespace", "Shop", "--metric-name", "Latency",
                    "--dimensions", "Name=Service,Value=checkout", "--statistic", "Average", "--period", "60", "--evaluation-periods", "2",
                    "--datapoints-to-alarm", "1", "--threshold", "250", "--comparison-operator", "GreaterThanThreshold",
                    "--unit", "Milliseconds", "--treat-missing-data", "notBreaching");
            aws.ok("cloudwatch", "put-metric-alarm", "--alarm-name", "HighErrorRate", "--namespace", "Prometheus", "--metric-name",
                    "HighErrorRate", "--statistic", "Maximum", "--period", "60", "--evaluation-periods", "1", "--threshold", "1",
                    "--comparison-operator", "GreaterThanOrEqualToThreshold", "--treat-missing-data", "ignore");
            JsonNode described = aws.ok("cloudwatch", "describe-alarms", "--alarm-names", "checkout-latency");
            JsonNode alarm = described.at("/MetricAlarms/0");
            assertThat(alarm.path("StateValue").asText()).isEqualTo("OK");
            assertThat(alarm.path("Dimensions").get(0).path("Value").asText()).isEqualTo("checkout");
            assertThat(alarm.path("Unit").asText()).isEqualTo("Milliseconds");
            assertThat(alarm.path("AlarmConfigurationUpdatedTimestamp").asDouble()).as("epoch seconds, as JSON protocols carry them")
                    .isCloseTo(System.currentTimeMillis() / 1000.0, org.assertj.core.api.Assertions.within(120.0));

            // Both in one period whatever the wall clock does between the two calls (its minute, as the window reads it).
            String timestamp = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).plusSeconds(1).toString();
            aws.ok("cloudwatch", "put-metric-data", "--namespace", "Shop", "--metric-name", "Latency", "--dimensions",
                    "Service=checkout", "--unit", "Milliseconds", "--value", "100", "--timestamp", timestamp);
            aws.ok("cloudwatch", "put-metric-data", "--namespace", "Shop", "--metric-name", "Latency", "--dimensions",
                    "Service=checkout", "--unit", "Milliseconds", "--value", "500", "--timestamp", timestamp);
            JsonNode alarmed = aws.ok("cloudwatch", "describe-alarms", "--state-value", "ALARM");
            assertThat(alarmed.path("MetricAlarms")).hasSize(1);
            assertThat(alarmed.at("/MetricAlarms/0/AlarmName").asText()).isEqualTo("checkout-latency");
            assertThat(alarmed.at("/MetricAlarms/0/StateReason").asText()).contains("[300.0", "greater than the threshold (250.0)");

            aws.ok("cloudwatch", "set-alarm-state", "--alarm-name", "checkout-latency", "--state-value", "OK", "--state-reason",
                    "checked by hand");
            assertThat(aws.ok("cloudwatch", "describe-alarms", "--alarm-name-prefix", "checkout-").at("/MetricAlarms/0/StateReason").asText())
                    .isEqualTo("checked by hand");

            HttpResponse<String> notified = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(server.endpoint() + "/alertmanager/webhook")).header("Authorization", "Bearer e2e-token")
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"version": "4", "status": "firing", "receiver": "conveyor", "groupKey": "g",
                             "alerts": [{"status": "firing", "labels": {"alertname": "HighErrorRate"},
                                         "annotations": {"summary": "too many 5xx"}, "startsAt": "2026-12-06T10:00:00Z"}]}""")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(notified.statusCode()).as(notified.body()).isEqualTo(200);
            assertThat(aws.ok("cloudwatch", "describe-alarms", "--alarm-names", "HighErrorRate").at("/MetricAlarms/0/StateValue").asText())
                    .isEqualTo("ALARM");

            JsonNode history = aws.ok("cloudwatch", "describe-alarm-history", "--alarm-name", "checkout-latency",
                    "--history-item-type", "StateUpdate");
            assertThat(history.path("AlarmHistoryItems")).extracting(i -> i.path("HistorySummary").asText())
                    .containsExactly("Alarm updated from ALARM to OK", "Alarm updated from OK to ALARM", "Alarm updated from INSUFFICIENT_DATA to OK");

            AwsCli.Result missing = aws.run("cloudwatch", "set-alarm-state", "--alarm-name", "ghost", "--state-value", "OK",
                    "--state-reason", "x");
            assertThat(missing.exitCode()).isNotZero();
            assertThat(missing.stderr()).contains("(ResourceNotFound)", "Alarm ghost not found");
            AwsCli.Result badPeriod = aws.run("cloudwatch", "put-metric-alarm", "--alarm-name", "bad", "--namespace", "Shop",
                    "--metric-name", "Latency", "--statistic", "Sum", "--period", "45", "--evaluation-periods", "1", "--threshold", "1",
                    "--comparison-operator", "GreaterThanThreshold");
            assertThat(badPeriod.stderr()).contains("(InvalidParameterValue)", "Period");

            aws.ok("cloudwatch", "delete-alarms", "--alarm-names", "checkout-latency", "HighErrorRate");
            assertThat(aws.ok("cloudwatch", "describe-alarms").path("MetricAlarms")).isEmpty();
        }
    }
}
