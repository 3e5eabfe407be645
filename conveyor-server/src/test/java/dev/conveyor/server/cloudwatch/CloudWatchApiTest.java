package dev.conveyor.server.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.cloudwatch.CloudWatchServices;
import dev.conveyor.model.alarms.AlarmStates;
import dev.conveyor.server.ConveyorServer;
import dev.conveyor.server.ServerConfig;
import dev.conveyor.testkit.Await;
import dev.conveyor.testkit.TestCredentials;
import dev.conveyor.testkit.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.HistoryItemType;
import software.amazon.awssdk.services.cloudwatch.model.InvalidNextTokenException;
import software.amazon.awssdk.services.cloudwatch.model.InvalidParameterValueException;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/**
 * CloudWatch alarms through the AWS SDK for Java v2 (which speaks AWS Query to CloudWatch) against a real server, on
 * both databases; and Alertmanager's webhook over HTTP with the server's bearer token.
 */
class CloudWatchApiTest {
    @TempDir
    Path dataDir;

    private ConveyorServer start(String kind) throws Exception {
        ServerConfig base = ServerConfig.embedded(Files.createDirectories(dataDir.resolve("data")), 0)
                .withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY));
        ServerConfig config = "h2".equals(kind) ? base : base.withDatabaseUrl(TestDatabases.freshUrl(kind));
        return new ConveyorServer(config).cloudWatchSettings(CloudWatchServices.Settings.defaults().withAlertmanagerToken("am-token")).start();
    }

    private static CloudWatchClient cloudWatch(ConveyorServer server) {
        return CloudWatchClient.builder().endpointOverride(URI.create(server.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(TestCredentials.ACCESS_KEY_ID,
                        TestCredentials.SECRET_ACCESS_KEY)))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void theSdkManagesAlarmsAndMetricDataDrivesThem(String kind) throws Exception {
        try (ConveyorServer server = start(kind); CloudWatchClient cw = cloudWatch(server)) {
            cw.putMetricAlarm(r -> r.alarmName("canary-errors").alarmDescription("errors of the canary").namespace("MyApp")
                    .metricName("Errors").dimensions(d -> d.name("Fleet").value("canary")).statistic(Statistic.MAXIMUM).period(60)
                    .evaluationPeriods(3).datapointsToAlarm(1).threshold(10.0).comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                    .treatMissingData("notBreaching").unit(StandardUnit.COUNT).alarmActions("arn:aws:sns:us-east-1:000000000000:ops"));
            for (int i = 0; i < 3; i++) {
                int n = i;
                cw.putMetricAlarm(r -> r.alarmName("other-" + n).namespace("MyApp").metricName("Latency").extendedStatistic("p99")
                        .period(10).evaluationPeriods(1).threshold(0.5).comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD));
            }
            MetricAlarm created = cw.describeAlarms(r -> r.alarmNames("canary-errors")).metricAlarms().getFirst();
            assertThat(created.alarmArn()).isEqualTo("arn:aws:cloudwatch:us-east-1:000000000000:alarm:canary-errors");
            assertThat(created.alarmDescription()).isEqualTo("errors of the canary");
            assertThat(created.statistic()).isEqualTo(Statistic.MAXIMUM);
            assertThat(created.dimensions()).singleElement().satisfies(d -> assertThat(d.value()).isEqualTo("canary"));
            assertThat(created.threshold()).isEqualTo(10.0);
            assertThat(created.alarmActions()).containsExactly("arn:aws:sns:us-east-1:000000000000:ops");
            assertThat(created.stateValue()).as("notBreaching: no data is good data").isEqualTo(StateValue.OK);
            assertThat(created.stateUpdatedTimestamp()).isCloseTo(Instant.now(), org.assertj.core.api.Assertions.within(
                    Duration.ofMinutes(1)));

            cw.putMetricData(r -> r.namespace("MyApp").metricData(m -> m.metricName("Errors").value(12.0).unit(StandardUnit.COUNT)
                    .dimensions(d -> d.name("Fleet").value("canary"))));
            MetricAlarm alarmed = cw.describeAlarms(r -> r.stateValue(StateValue.ALARM)).metricAlarms().getFirst();
            assertThat(alarmed.alarmName()).isEqualTo("canary-errors");
            assertThat(alarmed.stateReason()).startsWith("Threshold Crossed: 1 out of the last 3 datapoints [12.0");
            assertThat(server.cloudWatch().alarms().state("canary-errors")).map(AlarmStates.AlarmState::stateValue).contains("ALARM");

            cw.setAlarmState(r -> r.alarmName("other-1").stateValue(StateValue.ALARM).stateReason("testing the page"));
            DescribeAlarmsResponse page = cw.describeAlarms(r -> r.alarmNamePrefix("other-").maxRecords(2));
            assertThat(page.metricAlarms()).extracting(MetricAlarm::alarmName).containsExactly("other-0", "other-1");
            assertThat(page.metricAlarms().get(1).stateValue()).isEqualTo(StateValue.ALARM);
            assertThat(page.metricAlarms().get(0).extendedStatistic()).isEqualTo("p99");
            assertThat(cw.describeAlarmsPaginator(r -> r.alarmNamePrefix("other-").maxRecords(2)).metricAlarms())
                    .extracting(MetricAlarm::alarmName).containsExactly("other-0", "other-1", "other-2");
            assertThat(cw.describeAlarmHistory(r -> r.alarmName("canary-errors").historyItemType(HistoryItemType.STATE_UPDATE))
                    .alarmHistoryItems()).extracting(h -> h.historySummary()).containsExactly("Alarm updated from OK to ALARM",
                            "Alarm updated from INSUFFICIENT_DATA to OK");

            // The SDK maps the Query code ResourceNotFound to the first shape with it, DashboardNotFoundError, as against AWS.
            assertThatThrownBy(() -> cw.setAlarmState(r -> r.alarmName("ghost").stateValue(StateValue.OK).stateReason("x")))
                    .isInstanceOfSatisfying(CloudWatchException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ResourceNotFound"))
                    .hasMessageContaining("ghost");
            assertThatThrownBy(() -> cw.describeAlarms(r -> r.nextToken("not-a-token!"))).isInstanceOf(InvalidNextTokenException.class);
            assertThatThrownBy(() -> cw.putMetricAlarm(r -> r.alarmName("bad").namespace("MyApp").metricName("Errors")
                    .statistic(Statistic.SUM).period(45).evaluationPeriods(1).threshold(1.0)
                    .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)))
                    .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("Period");
            assertThatThrownBy(() -> cw.putMetricData(r -> r.namespace("AWS/EC2").metricData(m -> m.metricName("x").value(1.0))))
                    .isInstanceOf(InvalidParameterValueException.class);

            cw.deleteAlarms(r -> r.alarmNames("other-0", "other-2"));
            assertThat(cw.describeAlarms(r -> r.alarmNamePrefix("other-")).metricAlarms()).extracting(MetricAlarm::alarmName)
                    .containsExactly("other-1");
            assertThatThrownBy(() -> cw.deleteAlarms(r -> r.alarmNames("other-0")))
                    .isInstanceOfSatisfying(CloudWatchException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void alertmanagerDrivesAnAlarmThroughTheWebhook(String kind) throws Exception {
        try (ConveyorServer server = start(kind); CloudWatchClient cw = cloudWatch(server)) {
            cw.putMetricAlarm(r -> r.alarmName("HighErrorRate").namespace("Prometheus").metricName("HighErrorRate")
                    .statistic(Statistic.MAXIMUM).period(60).evaluationPeriods(1).threshold(1.0)
                    .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD).treatMissingData("ignore"));
            HttpClient http = HttpClient.newHttpClient();
            String firing = """
                    {"version": "4", "groupKey": "{}:{alertname=\\"HighErrorRate\\"}", "status": "firing", "receiver": "conveyor",
                     "groupLabels": {"alertname": "HighErrorRate"}, "commonLabels": {"alertname": "HighErrorRate"}, "commonAnnotations": {},
                     "externalURL": "http://alertmanager:9093", "truncatedAlerts": 0,
                     "alerts": [{"status": "firing", "labels": {"alertname": "HighErrorRate", "job": "web"},
                       "annotations": {"summary": "error ratio 7%"}, "startsAt": "2026-03-01T12:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
                       "generatorURL": "http://prometheus:9090/graph", "fingerprint": "f1"}]}""";
            HttpResponse<String> refused = http.send(post(server, firing, null), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(401);
            HttpResponse<String> accepted = http.send(post(server, firing, "Bearer am-token"), HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).isEqualTo(200);
            assertThat(accepted.body()).contains("\"alarmName\":\"HighErrorRate\"", "\"stateValue\":\"ALARM\"");
            MetricAlarm alarm = cw.describeAlarms(r -> r.alarmNames("HighErrorRate")).metricAlarms().getFirst();
            assertThat(alarm.stateValue()).isEqualTo(StateValue.ALARM);
            assertThat(alarm.stateReason()).isEqualTo("Alertmanager: HighErrorRate firing: error ratio 7%");
            assertThat(alarm.stateReasonData()).contains("\"source\":\"alertmanager\"", "\"job\":\"web\"");

            http.send(post(server, firing.replace("\"status\": \"firing\"", "\"status\": \"resolved\""), "Bearer am-token"),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(Await.await(() -> server.cloudWatch().alarms().state("HighErrorRate").orElseThrow().stateValue(), "OK"::equals,
                    Duration.ofSeconds(10), "the resolved notification")).isEqualTo("OK");
            assertThat(cw.describeAlarmHistory(r -> r.alarmName("HighErrorRate")).alarmHistoryItems()).extracting(h -> h.historySummary())
                    .containsAll(List.of("Alarm updated from ALARM to OK", "Alarm updated from INSUFFICIENT_DATA to ALARM"));
        }
    }

    private static HttpRequest post(ConveyorServer server, String body, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.endpoint() + "/alertmanager/webhook"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request.build();
    }
}
