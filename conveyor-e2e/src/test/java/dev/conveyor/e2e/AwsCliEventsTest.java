package dev.conveyor.e2e;

import dev.conveyor.testkit.EventReceiver;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.testkit.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Events with the unmodified AWS CLI against a real server process: topics, subscriptions and notification rules
 * made with {@code aws sns} and {@code aws codestar-notifications}, rules with {@code aws events} (on pipelines' and on
 * a CodeDeploy deployment's events, one agent, no load balancer); and durability:
 * events committed before a {@code kill -9} are delivered by the next process, in order, once per subscriber.
 */
@Execution(ExecutionMode.CONCURRENT) // its tests are independent: they share the pool with other classes (junit-platform.properties)
class AwsCliEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "000000000000";

    @TempDir
    Path work;

    private Path pipeline(String name, String... commands) throws Exception {
        String json = """
                {"pipeline": {"name": "%s", "roleArn": "arn:aws:iam::111111111111:role/r", "pipelineType": "V2",
                 "executionMode": "QUEUED", "artifactStore": {"type": "S3", "location": "events-artifacts"},
                 "stages": [
                  {"name": "Source", "actions": [{"name": "Source",
                     "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
                     "configuration": {"S3Bucket": "events-sources", "S3ObjectKey": "app.zip", "PollForSourceChanges": "false"},
                     "outputArtifacts": [{"name": "Src"}]}]},
                  {"name": "Build", "actions": [{"name": "Run",
                     "actionTypeId": {"category": "Compute", "owner": "AWS", "provider": "Commands", "version": "1"},
                     "inputArtifacts": [{"name": "Src"}], "commands": %s}]}
                 ]}}""".formatted(name, JSON.writeValueAsString(List.of(commands)));
        Path file = work.resolve(name + ".json");
        Files.writeString(file, json);
        return file;
    }

    @Test
    void theAwsCliSetsUpATopicSubscriptionAndNotificationRuleAndTheReceiverGetsTheFailure() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (ConveyorProcess server = ConveyorProcess.start(work.resolve("data")); EventReceiver receiver = new EventReceiver()) {
            receiver.onReceive(r -> {
                if ("SubscriptionConfirmation".equals(r.header("x-amz-sns-message-type"))) {
                    try {
                        http.send(HttpRequest.newBuilder(URI.create(JSON.readTree(r.body()).path("SubscribeURL").asText())).GET().build(),
                                HttpResponse.BodyHandlers.discarding());
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }
            });
            AwsCli aws = new AwsCli(server.endpoint(), work);
            String topic = aws.ok("sns", "create-topic", "--name", "ci-failures").path("TopicArn").asText();
            assertThat(topic).isEqualTo("arn:aws:sns:us-east-1:" + ACCOUNT + ":ci-failures");
            assertThat(aws.ok("sns", "subscribe", "--topic-arn", topic, "--protocol", "http", "--notification-endpoint",
                    receiver.url("/sns")).path("SubscriptionArn").asText()).isEqualTo("pending confirmation");
            Await.await(() -> {
                try {
                    return aws.ok("sns", "list-subscriptions-by-topic", "--topic-arn", topic).path("Subscriptions");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, subs -> subs.size() == 1 && subs.get(0).path("SubscriptionArn").asText().startsWith(topic + ":"), Duration.ofSeconds(30),
                    "the subscription to be confirmed");
            String rule = aws.ok("codestar-notifications", "create-notification-rule", "--name", "failures", "--detail-type", "FULL",
                    "--resource", "arn:aws:codepipeline:us-east-1:" + ACCOUNT + ":breaks",
                    "--event-type-ids", "codepipeline-pipeline-pipeline-execution-failed",
                    "--targets", "TargetType=SNS,TargetAddress=" + topic).path("Arn").asText();
            assertThat(aws.ok("codestar-notifications", "list-notification-rules").path("NotificationRules").get(0).path("Arn").asText())
                    .isEqualTo(rule);
            assertThat(aws.ok("codestar-notifications", "list-event-types").path("EventTypes").toString())
                    .contains("codepipeline-pipeline-manual-approval-needed");

            S3Sources.putZip(aws, work, "events-sources", "app.zip", "app.txt", "hello\n");
            aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + pipeline("breaks", "echo building", "exit 3"));
            String execution = Executions.createdExecution(aws, "breaks");
            assertThat(Executions.awaitSettled(aws, "breaks", execution, Duration.ofSeconds(90)).path("status").asText()).isEqualTo("Failed");
            EventReceiver.Received notification = Await.await(() -> receiver.received().stream()
                    .filter(r -> "Notification".equals(r.header("x-amz-sns-message-type"))).findFirst().orElse(null),
                    r -> r != null, Duration.ofSeconds(30), "the failure notification");
            JsonNode message = JSON.readTree(JSON.readTree(notification.body()).path("Message").asText());
            assertThat(message.path("detail").path("state").asText()).isEqualTo("FAILED");
            assertThat(message.path("detail").path("execution-id").asText()).isEqualTo(execution);
        }
    }

    @Test
    void eventsCommittedBeforeAKillDashNineAreDeliveredAfterTheRestartInOrderOncePerSubscriber() throws Exception {
        Path dataDir = work.resolve("data");
        // jobs run sandboxed: the marker the build waits for is in a directory the server lets them see
        Path shared = Files.createDirectories(work.resolve("shared"));
        Path go = shared.resolve("go");
        String execution;
        try (EventReceiver receiver = new EventReceiver()) {
            try (ConveyorProcess first = ConveyorProcess.start(dataDir, "--job-writable-dir", shared.toString())) {
                AwsCli aws = new AwsCli(first.endpoint(), work);
                aws.ok("events", "put-rule", "--name", "all-pipeline-events", "--event-pattern", "{\"source\": [\"aws.codepipeline\"]}");
                aws.ok("events", "put-targets", "--rule", "all-pipeline-events", "--targets", JSON.writeValueAsString(List.of(
                        java.util.Map.of("Id", "hook", "Arn", receiver.url("/hook"),
                                "HttpParameters", java.util.Map.of("HeaderParameters", java.util.Map.of("X-Conveyor-Webhook-Secret", "k"))))));
                assertThat(aws.ok("events", "list-targets-by-rule", "--rule", "all-pipeline-events").path("Targets")).hasSize(1);
                S3Sources.putZip(aws, work, "events-sources", "app.zip", "app.txt", "hello\n");
                aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + pipeline("durable",
                        "until [ -e " + go + " ]; do sleep 0.1; done"));
                execution = Executions.createdExecution(aws, "durable");
                Await.await(() -> receiver.received().stream().map(r -> describe(r.body())).toList(),
                        list -> list.contains("Action Build/Run STARTED"), Duration.ofSeconds(60), "the events up to the build");
                receiver.down(true);
                Files.createFile(go);
                Executions.awaitSettled(aws, "durable", execution, Duration.ofSeconds(90));
                first.kill(); // the last events are committed, not delivered (the receiver refuses them)
            }
            assertThat(receiver.received().stream().map(r -> describe(r.body()))).doesNotContain("Pipeline SUCCEEDED");
            receiver.down(false);
            try (ConveyorProcess second = ConveyorProcess.start(dataDir)) {
                List<String> expected = List.of("Pipeline STARTED", "Stage Source STARTED", "Action Source/Source STARTED",
                        "Action Source/Source SUCCEEDED", "Stage Source SUCCEEDED", "Stage Build STARTED", "Action Build/Run STARTED",
                        "Action Build/Run SUCCEEDED", "Stage Build SUCCEEDED", "Pipeline SUCCEEDED");
                List<String> got = Await.await(() -> receiver.received().stream().map(r -> describe(r.body())).toList(),
                        list -> list.contains("Pipeline SUCCEEDED"), Duration.ofSeconds(60), "the rest after the restart");
                assertThat(got).containsExactlyElementsOf(expected);
                assertThat(receiver.received().stream().map(r -> r.header("X-Conveyor-Event-Id")).distinct()).hasSize(expected.size());
                assertThat(receiver.received()).allSatisfy(r -> assertThat(JSON.readTree(r.body()).path("detail").path("execution-id").asText())
                        .isEqualTo(execution));
            }
        }
    }

    @Test
    void aDeploymentsEventsReachAnAwsCodedeployRuleAndItsNotificationRulesTopic() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (ConveyorProcess server = ConveyorProcess.start(work.resolve("data")); EventReceiver receiver = new EventReceiver();
             DeployHosts hosts = new DeployHosts()) {
            receiver.onReceive(r -> {
                if ("SubscriptionConfirmation".equals(r.header("x-amz-sns-message-type"))) {
                    try {
                        http.send(HttpRequest.newBuilder(URI.create(JSON.readTree(r.body()).path("SubscribeURL").asText())).GET().build(),
                                HttpResponse.BodyHandlers.discarding());
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }
            });
            AwsCli aws = new AwsCli(server.endpoint(), work);
            aws.ok("events", "put-rule", "--name", "deployments", "--event-pattern", "{\"source\": [\"aws.codedeploy\"]}");
            aws.ok("events", "put-targets", "--rule", "deployments", "--targets", JSON.writeValueAsString(List.of(
                    java.util.Map.of("Id", "hook", "Arn", receiver.url("/hook"),
                            "HttpParameters", java.util.Map.of("HeaderParameters", java.util.Map.of("X-Conveyor-Webhook-Secret", "k"))))));
            String topic = aws.ok("sns", "create-topic", "--name", "deploys").path("TopicArn").asText();
            aws.ok("sns", "subscribe", "--topic-arn", topic, "--protocol", "http", "--notification-endpoint", receiver.url("/sns"));
            Await.await(() -> {
                try {
                    return aws.ok("sns", "list-subscriptions-by-topic", "--topic-arn", topic).path("Subscriptions");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, subs -> subs.size() == 1 && subs.get(0).path("SubscriptionArn").asText().startsWith(topic + ":"), Duration.ofSeconds(30),
                    "the subscription to be confirmed");
            String application = "arn:aws:codedeploy:us-east-1:" + ACCOUNT + ":application:solo";
            String rule = aws.ok("codestar-notifications", "create-notification-rule", "--name", "deployed", "--detail-type", "FULL",
                    "--resource", application, "--event-type-ids", "codedeploy-application-deployment-succeeded",
                    "--targets", "TargetType=SNS,TargetAddress=" + topic).path("Arn").asText();
            assertThat(aws.ok("codestar-notifications", "list-event-types", "--filters", "Name=SERVICE_NAME,Value=CodeDeploy")
                    .path("EventTypes")).extracting(t -> t.path("EventTypeId").asText()).containsExactlyInAnyOrder(
                    "codedeploy-application-deployment-failed", "codedeploy-application-deployment-succeeded",
                    "codedeploy-application-deployment-started");

            // One host, no load balancer.
            aws.succeed("s3", "mb", "s3://releases");
            aws.ok("deploy", "create-application", "--application-name", "solo");
            aws.ok("deploy", "create-deployment-group", "--application-name", "solo", "--deployment-group-name", "solo",
                    "--service-role-arn", "arn:aws:iam::000000000000:role/cd", "--deployment-config-name", "CodeDeployDefault.AllAtOnce",
                    "--on-premises-instance-tag-filters", "Key=app,Value=solo,Type=KEY_AND_VALUE");
            String groupId = aws.ok("deploy", "get-deployment-group", "--application-name", "solo", "--deployment-group-name", "solo")
                    .path("deploymentGroupInfo").path("deploymentGroupId").asText();
            hosts.start(server.endpoint(), work.resolve("hosts"), "solo-1", Haproxy.freePort(), java.util.Map.of("app", "solo"));
            Await.await(() -> {
                try {
                    return aws.ok("deploy", "list-on-premises-instances", "--tag-filters", "Key=app,Value=solo,Type=KEY_AND_VALUE")
                            .path("instanceNames").size();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, n -> n == 1, Duration.ofSeconds(90), "the agent to register");
            Path www = work.resolve("www");
            Path zip = DeployHosts.zip(work.resolve("bundles").resolve("site.zip"), java.util.Map.of("appspec.yml",
                    "version: 0.0\nos: linux\nfiles:\n  - source: site\n    destination: " + www + "\n", "site/index.html", "<h1>one</h1>"));
            aws.succeed("s3", "cp", zip.toString(), "s3://releases/site.zip");
            String deployment = aws.ok("deploy", "create-deployment", "--application-name", "solo", "--deployment-group-name", "solo",
                    "--s3-location", "bucket=releases,key=site.zip,bundleType=zip").path("deploymentId").asText();

            List<String> expected = List.of("Deployment " + deployment + " START", "Instance solo-1 START", "Instance solo-1 SUCCESS",
                    "Deployment " + deployment + " SUCCESS");
            List<String> got = Await.await(() -> receiver.received().stream().filter(r -> r.header("X-Conveyor-Event-Id") != null)
                            .map(r -> describe(r.body())).toList(), list -> list.size() >= expected.size(), Duration.ofSeconds(120),
                    "the deployment's events");
            assertThat(got).containsExactlyElementsOf(expected);
            JsonNode success = JSON.readTree(receiver.received().stream().filter(r -> r.header("X-Conveyor-Event-Id") != null).toList()
                    .getLast().body());
            assertThat(success.path("source").asText()).isEqualTo("aws.codedeploy");
            assertThat(success.path("detail-type").asText()).isEqualTo("CodeDeploy Deployment State-change Notification");
            assertThat(success.path("resources").get(0).asText()).isEqualTo(application);
            assertThat(success.path("detail").path("application").asText()).isEqualTo("solo");
            assertThat(success.path("detail").path("deploymentGroup").asText()).isEqualTo("solo");
            assertThat(success.path("detail").path("instanceGroupId").asText()).isEqualTo(groupId);
            assertThat(success.path("detail").path("region").asText()).isEqualTo("us-east-1");

            EventReceiver.Received notification = Await.await(() -> receiver.received().stream()
                            .filter(r -> "Notification".equals(r.header("x-amz-sns-message-type"))).findFirst().orElse(null),
                    r -> r != null, Duration.ofSeconds(30), "the notification of the deployment's success");
            JsonNode message = JSON.readTree(JSON.readTree(notification.body()).path("Message").asText());
            assertThat(message.path("notificationRuleArn").asText()).isEqualTo(rule);
            assertThat(message.path("source").asText()).isEqualTo("aws.codedeploy");
            assertThat(message.path("detail").path("state").asText()).isEqualTo("SUCCESS");
            assertThat(message.path("detail").path("deploymentId").asText()).isEqualTo(deployment);
            assertThat(receiver.received().stream().filter(r -> "Notification".equals(r.header("x-amz-sns-message-type"))))
                    .as("only the success was asked for").hasSize(1);
        }
    }

    private static String describe(String body) {
        try {
            JsonNode e = JSON.readTree(body);
            JsonNode d = e.path("detail");
            return switch (e.path("detail-type").asText()) {
                case "CodePipeline Pipeline Execution State Change" -> "Pipeline " + d.path("state").asText();
                case "CodePipeline Stage Execution State Change" -> "Stage " + d.path("stage").asText() + " " + d.path("state").asText();
                case "CodeDeploy Deployment State-change Notification" -> "Deployment " + d.path("deploymentId").asText() + " "
                        + d.path("state").asText();
                case "CodeDeploy Instance State-change Notification" -> "Instance " + d.path("instanceId").asText() + " "
                        + d.path("state").asText();
                default -> "Action " + d.path("stage").asText() + "/" + d.path("action").asText() + " " + d.path("state").asText();
            };
        } catch (Exception x) {
            throw new AssertionError(x);
        }
    }
}
