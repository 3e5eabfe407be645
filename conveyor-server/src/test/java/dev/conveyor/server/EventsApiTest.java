package dev.conveyor.server;

import dev.conveyor.testkit.EventReceiver;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.conveyor.events.delivery.DeliveryPolicy;
import dev.conveyor.server.events.EventSettings;
import dev.conveyor.testkit.Await;
import dev.conveyor.testkit.MovableClock;
import dev.conveyor.testkit.TestCredentials;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;
import software.amazon.awssdk.services.codestarnotifications.CodestarNotificationsClient;
import software.amazon.awssdk.services.codestarnotifications.model.DetailType;
import software.amazon.awssdk.services.codestarnotifications.model.Target;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.InvalidEventPatternException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Events and notifications end to end on a real server, with real receivers started here: an HTTP endpoint that
 * confirms its SNS subscription and checks signatures, a webhook receiver that checks the HMAC, GreenMail as the
 * SMTP server, and the AWS SDK's SNS, EventBridge and CodeStar Notifications clients.
 */
class EventsApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "000000000000";

    private GreenMail smtp;
    private ConveyorServer server;
    private CodePipelineClient pipelines;
    private SnsClient sns;
    private EventBridgeClient events;
    private CodestarNotificationsClient notifications;
    private EventReceiver receiver;
    private final HttpClient http = HttpClient.newHttpClient();
    private static final int MAX_ATTEMPTS = 40;
    /** The system clock, moved forward by the schedule test. */
    private final MovableClock clock = MovableClock.runningFromNow();

    @BeforeEach
    void start() throws Exception {
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        Path dataDir = Files.createTempDirectory("conveyor-events-");
        server = new ConveyorServer(ServerConfig.embedded(dataDir, 0)
                .withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY)), clock)
                .withEvents(EventSettings.defaults().withSmtp("127.0.0.1", smtp.getSmtp().getPort(), "conveyor@example.com")
                        .withDelivery(new DeliveryPolicy(Duration.ofMillis(50), Duration.ofMillis(200), MAX_ATTEMPTS, Duration.ofSeconds(5))))
                .start();
        pipelines = client(CodePipelineClient.builder());
        sns = client(SnsClient.builder());
        events = client(EventBridgeClient.builder());
        notifications = client(CodestarNotificationsClient.builder());
        receiver = new EventReceiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
        pipelines.close();
        sns.close();
        events.close();
        notifications.close();
        server.close();
        smtp.stop();
    }

    private <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C client(B builder) {
        return builder.endpointOverride(URI.create(server.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(TestCredentials.ACCESS_KEY_ID,
                        TestCredentials.SECRET_ACCESS_KEY)))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static String pipelineArn(String name) {
        return "arn:aws:codepipeline:us-east-1:" + ACCOUNT + ":" + name;
    }

    /** Creates a pipeline whose Build stage fails (exit 1); creating it starts the execution. Returns its id. */
    private String failingPipeline(String name) {
        ExecutionFixtures.putSource(server.objects(), Map.of("README", "hello"));
        pipelines.createPipeline(r -> r.pipeline(ExecutionFixtures.pipeline(name, "QUEUED",
                ExecutionFixtures.stage("Build", ExecutionFixtures.commands("Compile", 1, "echo compiling", "exit 1")))));
        return ExecutionFixtures.createdExecution(pipelines, name);
    }

    private String succeedingPipeline(String name) {
        ExecutionFixtures.putSource(server.objects(), Map.of("README", "hello"));
        pipelines.createPipeline(r -> r.pipeline(ExecutionFixtures.pipeline(name, "QUEUED",
                ExecutionFixtures.stage("Build", ExecutionFixtures.commands("Compile", 1, "echo compiling")))));
        return ExecutionFixtures.createdExecution(pipelines, name);
    }

    // ---- SNS over HTTP, with CodeStar Notifications

    @Test
    void httpSubscriberConfirmsItsSubscriptionAndGetsAFailedExecutionsNotificationWithAValidSignature() throws Exception {
        receiver.onReceive(r -> {
            if ("SubscriptionConfirmation".equals(r.header("x-amz-sns-message-type"))) {
                try {
                    JsonNode doc = JSON.readTree(r.body());
                    assertThat(validSnsSignature(doc)).as("confirmation signature").isTrue();
                    http.send(HttpRequest.newBuilder(URI.create(doc.path("SubscribeURL").asText())).GET().build(),
                            HttpResponse.BodyHandlers.discarding());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        });
        String topic = sns.createTopic(r -> r.name("releases")).topicArn();
        assertThat(sns.subscribe(r -> r.topicArn(topic).protocol("http").endpoint(receiver.url("/sns"))).subscriptionArn())
                .isEqualTo("pending confirmation");
        Await.await(() -> sns.listSubscriptionsByTopic(r -> r.topicArn(topic)).subscriptions(),
                subs -> subs.size() == 1 && subs.getFirst().subscriptionArn().startsWith(topic + ":"), Duration.ofSeconds(20),
                "the subscription to be confirmed");

        String rule = notifications.createNotificationRule(r -> r.name("release-failures").resource(pipelineArn("fails"))
                .eventTypeIds("codepipeline-pipeline-pipeline-execution-failed").detailType(DetailType.FULL)
                .targets(Target.builder().targetType("SNS").targetAddress(topic).build())).arn();
        assertThat(notifications.describeNotificationRule(r -> r.arn(rule)).eventTypes().getFirst().eventTypeId())
                .isEqualTo("codepipeline-pipeline-pipeline-execution-failed");

        String execution = failingPipeline("fails");
        assertThat(ExecutionFixtures.awaitSettled(pipelines, "fails", execution).status()).isEqualTo(PipelineExecutionStatus.FAILED);
        EventReceiver.Received notification = Await.await(() -> receiver.received().stream()
                        .filter(r -> "Notification".equals(r.header("x-amz-sns-message-type"))).findFirst().orElse(null),
                r -> r != null, Duration.ofSeconds(20), "the failure notification");
        JsonNode doc = JSON.readTree(notification.body());
        assertThat(validSnsSignature(doc)).as("notification signature").isTrue();
        assertThat(doc.path("TopicArn").asText()).isEqualTo(topic);
        JsonNode message = JSON.readTree(doc.path("Message").asText());
        assertThat(message.path("detailType").asText()).isEqualTo("CodePipeline Pipeline Execution State Change");
        assertThat(message.path("notificationRuleArn").asText()).isEqualTo(rule);
        assertThat(message.path("detail").path("state").asText()).isEqualTo("FAILED");
        assertThat(message.path("detail").path("execution-id").asText()).isEqualTo(execution);
        assertThat(message.path("detail").path("pipeline").asText()).isEqualTo("fails");
        // Only the failure was asked for: nothing else reached the topic.
        assertThat(receiver.received().stream().filter(r -> "Notification".equals(r.header("x-amz-sns-message-type")))).hasSize(1);

        // A tampered message does not verify.
        ((com.fasterxml.jackson.databind.node.ObjectNode) doc).put("Message", "tampered");
        assertThat(validSnsSignature(doc)).isFalse();
    }

    /** Verifies an SNS message as SNS's documentation tells receivers to: fetch the certificate, rebuild the string, check. */
    private boolean validSnsSignature(JsonNode doc) throws Exception {
        String certUrl = doc.path("SigningCertURL").asText();
        assertThat(certUrl).startsWith(server.endpoint());
        byte[] pem = http.send(HttpRequest.newBuilder(URI.create(certUrl)).GET().build(), HttpResponse.BodyHandlers.ofByteArray()).body();
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
        List<String> fields = "Notification".equals(doc.path("Type").asText())
                ? List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
                : List.of("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type");
        StringBuilder s = new StringBuilder();
        for (String f : fields) {
            if (doc.has(f)) {
                s.append(f).append('\n').append(doc.get(f).asText()).append('\n');
            }
        }
        Signature verifier = Signature.getInstance("2".equals(doc.path("SignatureVersion").asText()) ? "SHA256withRSA" : "SHA1withRSA");
        verifier.initVerify(cert.getPublicKey());
        verifier.update(s.toString().getBytes(StandardCharsets.UTF_8));
        return verifier.verify(Base64.getDecoder().decode(doc.path("Signature").asText()));
    }

    // ---- e-mail (GreenMail) and the approval's NotificationArn

    @Test
    void approvalNeededEmailReachesTheSmtpServerAndItsLinkApproves() throws Exception {
        String topic = sns.createTopic(r -> r.name("approvals")).topicArn();
        sns.subscribe(r -> r.topicArn(topic).protocol("email").endpoint("release-manager@example.com"));
        assertThat(smtp.waitForIncomingEmail(20_000, 1)).as("confirmation e-mail").isTrue();
        MimeMessage confirmation = smtp.getReceivedMessages()[0];
        assertThat(confirmation.getSubject()).isEqualTo("AWS Notification - Subscription Confirmation");
        String confirmLink = link(confirmation.getContent().toString(), "/conveyor/v1/sns/confirm");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(confirmLink)).GET().build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(200);

        ExecutionFixtures.putSource(server.objects(), Map.of("README", "hello"));
        var approval = ExecutionFixtures.approval("Approve").toBuilder()
                .configuration(Map.of("NotificationArn", topic, "CustomData", "Ship it?")).build();
        pipelines.createPipeline(r -> r.pipeline(ExecutionFixtures.pipeline("gated", "QUEUED", ExecutionFixtures.stage("Gate", approval))));
        String execution = ExecutionFixtures.createdExecution(pipelines, "gated");

        assertThat(smtp.waitForIncomingEmail(30_000, 2)).as("approval e-mail").isTrue();
        MimeMessage mail = smtp.getReceivedMessages()[1];
        assertThat(mail.getSubject()).isEqualTo("APPROVAL NEEDED: AWS CodePipeline gated for action Approve");
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("release-manager@example.com");
        String body = mail.getContent().toString();
        assertThat(body).contains("Ship it?").contains("Stage name: Gate");
        String approveLink = link(body, "/conveyor/v1/approvals/gated/Gate/Approve/");

        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(approveLink)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.body()).contains("Approve").contains("Reject");
        HttpResponse<String> approved = http.send(HttpRequest.newBuilder(URI.create(approveLink))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("result=Approved&summary=LGTM")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(approved.statusCode()).isEqualTo(200);
        assertThat(ExecutionFixtures.awaitSettled(pipelines, "gated", execution).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
    }

    private static String link(String text, String pathPart) {
        String flat = text.replace("=\r\n", "").replace("\r\n", "\n");
        Matcher m = Pattern.compile("https?://\\S*" + Pattern.quote(pathPart) + "\\S*").matcher(flat);
        assertThat(m.find()).as("a link with " + pathPart + " in:\n" + flat).isTrue();
        return m.group();
    }

    // ---- EventBridge rules and webhooks

    @Test
    void webhookTargetGetsMatchingEventsSignedWithHmac() throws Exception {
        events.putRule(r -> r.name("settled").eventPattern("""
                {"source": ["aws.codepipeline"], "detail-type": ["CodePipeline Pipeline Execution State Change"],
                 "detail": {"state": [{"anything-but": ["STARTED", "RESUMED"]}], "pipeline": [{"prefix": "ship"}]}}"""));
        events.putTargets(r -> r.rule("settled").targets(t -> t.id("hook").arn(receiver.url("/hook"))
                .httpParameters(h -> h.headerParameters(Map.of("X-Conveyor-Webhook-Secret", "s3cret")))));
        assertThat(events.listTargetsByRule(r -> r.rule("settled")).targets().getFirst().httpParameters().headerParameters())
                .containsEntry("X-Conveyor-Webhook-Secret", "****");

        String execution = succeedingPipeline("ship-it");
        assertThat(ExecutionFixtures.awaitSettled(pipelines, "ship-it", execution).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        EventReceiver.Received hook = Await.await(() -> receiver.received().stream().findFirst().orElse(null), r -> r != null,
                Duration.ofSeconds(20), "the webhook");
        String expected = "sha256=" + HexFormat.of().formatHex(hmac("s3cret", hook.body()));
        assertThat(hook.header("X-Conveyor-Signature-256")).isEqualTo(expected);
        JsonNode event = JSON.readTree(hook.body());
        assertThat(event.path("detail-type").asText()).isEqualTo("CodePipeline Pipeline Execution State Change");
        assertThat(event.path("source").asText()).isEqualTo("aws.codepipeline");
        assertThat(event.path("resources").get(0).asText()).isEqualTo(pipelineArn("ship-it"));
        assertThat(event.path("detail").path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(event.path("detail").path("execution-trigger").isMissingNode()).isTrue();
        assertThat(hook.header("X-Conveyor-Event-Id")).isEqualTo(event.path("id").asText());
        // STARTED was filtered out by anything-but: exactly one event matched.
        assertThat(receiver.received()).hasSize(1);
    }

    private static byte[] hmac(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aReceiverThatWasDownGetsEveryEventOfTheExecutionInOrderWhenItReturns() throws Exception {
        events.putRule(r -> r.name("everything").eventPattern("{\"source\": [\"aws.codepipeline\"]}"));
        events.putTargets(r -> r.rule("everything").targets(t -> t.id("hook").arn(receiver.url("/hook"))
                .httpParameters(h -> h.headerParameters(Map.of("X-Conveyor-Webhook-Secret", "k")))));
        receiver.down(true);
        String execution = succeedingPipeline("flaky-receiver");
        assertThat(ExecutionFixtures.awaitSettled(pipelines, "flaky-receiver", execution).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(receiver.received()).isEmpty();
        receiver.down(false);
        List<String> expected = List.of(
                "Pipeline STARTED", "Stage Source STARTED", "Action Source/Source STARTED", "Action Source/Source SUCCEEDED",
                "Stage Source SUCCEEDED", "Stage Build STARTED", "Action Build/Compile STARTED", "Action Build/Compile SUCCEEDED",
                "Stage Build SUCCEEDED", "Pipeline SUCCEEDED");
        List<String> got = Await.await(() -> receiver.received().stream().map(r -> describe(r.body())).toList(),
                list -> list.size() >= expected.size(), Duration.ofSeconds(30), "every event after the receiver came back");
        assertThat(got).containsExactlyElementsOf(expected);
        assertThat(receiver.received().stream().map(r -> r.header("X-Conveyor-Event-Id")).distinct()).hasSize(expected.size());
    }

    private static String describe(String body) {
        try {
            JsonNode e = JSON.readTree(body);
            JsonNode d = e.path("detail");
            return switch (e.path("detail-type").asText()) {
                case "CodePipeline Pipeline Execution State Change" -> "Pipeline " + d.path("state").asText();
                case "CodePipeline Stage Execution State Change" -> "Stage " + d.path("stage").asText() + " " + d.path("state").asText();
                case "CodePipeline Stage Condition State Change" -> "Condition " + d.path("stage").asText() + "/"
                        + d.path("condition-type").asText() + " " + d.path("state").asText();
                case "CodePipeline Rule Execution State Change" -> "Rule " + d.path("stage").asText() + "/" + d.path("rule").asText() + " "
                        + d.path("state").asText();
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

    @Test
    void putEventsRoutesUsersOwnEventsByPrefixNumericAndExistsMatchers() throws Exception {
        events.putRule(r -> r.name("big-deploys").eventPattern("""
                {"source": [{"prefix": "com.example."}], "detail": {"size": [{"numeric": [">", 10, "<=", 100]}],
                 "owner": [{"exists": true}], "env": ["prod"]}}"""));
        events.putTargets(r -> r.rule("big-deploys").targets(t -> t.id("hook").arn(receiver.url("/hook"))
                .httpParameters(h -> h.headerParameters(Map.of("X-Conveyor-Webhook-Secret", "k")))));
        var answer = events.putEvents(r -> r.entries(
                entry("com.example.deploy", "{\"size\": 50, \"owner\": \"ada\", \"env\": \"prod\", \"n\": 1}"),
                entry("com.example.deploy", "{\"size\": 5, \"owner\": \"ada\", \"env\": \"prod\", \"n\": 2}"),
                entry("com.example.deploy", "{\"size\": 50, \"env\": \"prod\", \"n\": 3}"),
                entry("org.other", "{\"size\": 50, \"owner\": \"ada\", \"env\": \"prod\", \"n\": 4}"),
                entry("com.example.deploy", "{\"size\": 100, \"owner\": \"bob\", \"env\": [\"dev\", \"prod\"], \"n\": 5}"),
                entry("aws.codepipeline", "{\"n\": 6}")));
        assertThat(answer.failedEntryCount()).isEqualTo(1);
        assertThat(answer.entries().get(5).errorCode()).isEqualTo("NotAuthorizedForSourceException");
        List<Integer> got = Await.await(() -> receiver.received().stream().map(r -> {
            try {
                return JSON.readTree(r.body()).path("detail").path("n").asInt();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).sorted().toList(), l -> l.size() >= 2, Duration.ofSeconds(20), "matching events");
        assertThat(got).containsExactly(1, 5);

        assertThatThrownBy(() -> events.putRule(r -> r.name("bad").eventPattern("{\"source\": [{\"wildcards\": \"x\"}]}")))
                .isInstanceOf(InvalidEventPatternException.class);
        assertThat(events.describeRule(r -> r.name("big-deploys")).arn()).isEqualTo("arn:aws:events:us-east-1:" + ACCOUNT + ":rule/big-deploys");
        assertThat(events.listRules(r -> r.namePrefix("big")).rules()).hasSize(1);
        events.removeTargets(r -> r.rule("big-deploys").ids("hook"));
        events.deleteRule(r -> r.name("big-deploys"));
        assertThat(events.listRules(r -> r.namePrefix("big")).rules()).isEmpty();
    }

    private static PutEventsRequestEntry entry(String source, String detail) {
        return PutEventsRequestEntry.builder().source(source).detailType("Deploy").detail(detail).build();
    }

    @Test
    void anEventBridgeRuleWithAPipelineTargetStartsThePipelineOncePerEvent() throws Exception {
        String first = succeedingPipeline("on-event");
        ExecutionFixtures.awaitSettled(pipelines, "on-event", first);
        events.putRule(r -> r.name("object-created").eventPattern("""
                {"source": ["com.example.store"], "detail-type": ["Object Created"], "detail": {"bucket": {"name": ["sources"]}}}"""));
        events.putTargets(r -> r.rule("object-created").targets(t -> t.id("pipeline").arn(pipelineArn("on-event"))));
        events.putEvents(r -> r.entries(PutEventsRequestEntry.builder().source("com.example.store").detailType("Object Created")
                .detail("{\"bucket\": {\"name\": \"sources\"}, \"object\": {\"key\": \"app.zip\"}}").build()));
        var started = Await.await(() -> pipelines.listPipelineExecutions(r -> r.pipelineName("on-event")).pipelineExecutionSummaries(),
                list -> list.size() == 2, Duration.ofSeconds(20), "the rule to start the pipeline");
        var execution = started.stream().filter(e -> "CloudWatchEvent".equals(e.trigger().triggerTypeAsString())).findFirst().orElseThrow();
        assertThat(execution.trigger().triggerDetail()).isEqualTo("arn:aws:events:us-east-1:" + ACCOUNT + ":rule/object-created");
        assertThat(ExecutionFixtures.awaitSettled(pipelines, "on-event", execution.pipelineExecutionId()).status())
                .isEqualTo(PipelineExecutionStatus.SUCCEEDED);
    }

    // ---- schedules

    @Test
    void aScheduleRuleStartsItsPipelineTargetWhenItFalls() throws Exception {
        String first = succeedingPipeline("nightly");
        ExecutionFixtures.awaitSettled(pipelines, "nightly", first);
        events.putRule(r -> r.name("every-minute").scheduleExpression("rate(1 minute)"));
        events.putTargets(r -> r.rule("every-minute").targets(t -> t.id("pipeline").arn(pipelineArn("nightly"))));
        assertThatThrownBy(() -> events.putRule(r -> r.name("bad").scheduleExpression("rate(often)")))
                .hasMessageContaining("ScheduleExpression");
        clock.advance(Duration.ofSeconds(61));
        var started = Await.await(() -> pipelines.listPipelineExecutions(r -> r.pipelineName("nightly")).pipelineExecutionSummaries(),
                list -> list.size() == 2, Duration.ofSeconds(20), "the schedule to start the pipeline");
        var scheduled = started.stream().filter(e -> "CloudWatchEvent".equals(e.trigger().triggerTypeAsString())).findFirst().orElseThrow();
        assertThat(scheduled.trigger().triggerDetail()).isEqualTo("arn:aws:events:us-east-1:" + ACCOUNT + ":rule/every-minute");
        assertThat(ExecutionFixtures.awaitSettled(pipelines, "nightly", scheduled.pipelineExecutionId()).status())
                .isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(pipelines.listPipelineExecutions(r -> r.pipelineName("nightly")).pipelineExecutionSummaries())
                .as("one firing, one execution").hasSize(2);
    }

    // ---- live streams and dead letters (signed requests to Conveyor's own endpoints)

    private HttpRequest.Builder signed(String method, String path) {
        URI uri = URI.create(server.endpoint() + path);
        var unsigned = software.amazon.awssdk.http.SdkHttpRequest.builder().uri(uri)
                .method(software.amazon.awssdk.http.SdkHttpMethod.fromValue(method)).build();
        var signedRequest = software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner.create().sign(r -> r
                .identity(software.amazon.awssdk.identity.spi.AwsCredentialsIdentity.create(TestCredentials.ACCESS_KEY_ID,
                        TestCredentials.SECRET_ACCESS_KEY))
                .request(unsigned).payload(null)
                .putProperty(software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner.SERVICE_SIGNING_NAME, "conveyor")
                .putProperty(software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner.REGION_NAME, "us-east-1"));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody());
        signedRequest.request().headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Host")) {
                request.header(name, values.getFirst());
            }
        });
        return request;
    }

    /** Reads SSE events (id and detail-type) until {@code count} arrived. */
    private List<String[]> readStream(HttpRequest request, int count) throws Exception {
        return readEvents(openStream(request), count);
    }

    /** Opens a stream: when the response's headers arrive, where it starts is fixed. */
    private HttpResponse<java.io.InputStream> openStream(HttpRequest request) throws Exception {
        HttpResponse<java.io.InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        return response;
    }

    /** Reads SSE events (id, description, pipeline, execution id) until {@code count} arrived. */
    private static List<String[]> readEvents(HttpResponse<java.io.InputStream> response, int count) throws Exception {
        return readEvents(response, events -> events.size() >= count);
    }

    /** Reads SSE events until {@code enough} says so (or the stream ends). */
    private static List<String[]> readEvents(HttpResponse<java.io.InputStream> response, java.util.function.Predicate<List<String[]>> enough)
            throws Exception {
        List<String[]> events = new java.util.ArrayList<>();
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String line;
            while (!enough.test(events) && (line = lines.readLine()) != null) {
                if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("data: ")) {
                    JsonNode detail = JSON.readTree(line.substring(6)).path("detail");
                    events.add(new String[] {id, describe(line.substring(6)), detail.path("pipeline").asText(), detail.path("execution-id").asText()});
                }
            }
        }
        return events;
    }

    @Test
    void anExecutionsStreamSendsItsEventsAndResumesAfterLastEventId() throws Exception {
        String execution = succeedingPipeline("streamed");
        ExecutionFixtures.awaitSettled(pipelines, "streamed", execution);
        String path = "/conveyor/v1/events/pipelines/streamed/executions/" + execution + "/stream";
        HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(URI.create(server.endpoint() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).as("unsigned").isBetween(400, 403);
        assertThat(unsigned.headers().firstValue("x-amzn-ErrorType")).as("refused by authentication").isPresent();
        assertThat(unsigned.body()).doesNotContain("Pipeline STARTED").doesNotContain("detail-type");
        List<String[]> all = readStream(signed("GET", path).build(), 10);
        assertThat(all).extracting(e -> e[1]).containsExactly("Pipeline STARTED", "Stage Source STARTED", "Action Source/Source STARTED",
                "Action Source/Source SUCCEEDED", "Stage Source SUCCEEDED", "Stage Build STARTED", "Action Build/Compile STARTED",
                "Action Build/Compile SUCCEEDED", "Stage Build SUCCEEDED", "Pipeline SUCCEEDED");
        List<String[]> rest = readStream(signed("GET", path).header("Last-Event-ID", all.get(6)[0]).build(), 3);
        assertThat(rest).extracting(e -> e[1]).containsExactly("Action Build/Compile SUCCEEDED", "Stage Build SUCCEEDED", "Pipeline SUCCEEDED");

        // The pipeline's stream carries a later execution live.
        HttpRequest pipelineStream = signed("GET", "/conveyor/v1/events/pipelines/streamed/stream").header("Last-Event-ID", all.get(9)[0]).build();
        var live = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return readStream(pipelineStream, 1);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        pipelines.startPipelineExecution(r -> r.name("streamed"));
        assertThat(live.get(30, java.util.concurrent.TimeUnit.SECONDS)).extracting(e -> e[1]).containsExactly("Pipeline STARTED");
    }

    @Test
    void theStreamOfEveryPipelineCarriesEachPipelinesEventsAndFromNowStartsAfterWhatWasCommitted() throws Exception {
        String earlier = succeedingPipeline("streamed-one");
        ExecutionFixtures.awaitSettled(pipelines, "streamed-one", earlier);
        // Opened before anything new happens: from=now skips the settled execution's events, of this pipeline and of all.
        var everyPipeline = openStream(signed("GET", "/conveyor/v1/events/stream?from=now").build());
        var onePipeline = openStream(signed("GET", "/conveyor/v1/events/pipelines/streamed-one/stream?from=now").build());
        String other = succeedingPipeline("streamed-two");
        String next = pipelines.startPipelineExecution(r -> r.name("streamed-one")).pipelineExecutionId();

        // Until both executions ended (in a minute at most: a stream never ends by itself).
        List<String[]> all = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return readEvents(everyPipeline, events -> events.stream().filter(e -> e[1].equals("Pipeline SUCCEEDED")
                        && (e[3].equals(other) || e[3].equals(next))).count() == 2);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }).get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(all).extracting(e -> e[2] + " " + e[1]).contains("streamed-two Pipeline STARTED", "streamed-two Pipeline SUCCEEDED",
                "streamed-one Pipeline STARTED");
        assertThat(all).extracting(e -> e[3]).as("nothing of the execution settled before the stream opened")
                .doesNotContain(earlier).contains(other, next);
        assertThat(all).extracting(e -> Long.parseLong(e[0])).isSorted();
        // (Putting streamed-two's source may start streamed-one too: its source is the same object.)
        List<String[]> one = readEvents(onePipeline, events -> events.stream().anyMatch(e -> e[3].equals(next) && e[1].equals("Pipeline STARTED")));
        assertThat(one).extracting(e -> e[2]).containsOnly("streamed-one");
        assertThat(one).extracting(e -> e[3]).doesNotContain(earlier);
    }

    @Test
    void deliveriesThatKeepFailingAreDeadLetteredListedAndRedriven() throws Exception {
        events.putRule(r -> r.name("to-a-dead-hook").eventPattern("{\"source\": [\"com.example\"]}"));
        events.putTargets(r -> r.rule("to-a-dead-hook").targets(t -> t.id("hook").arn(receiver.url("/hook"))
                .httpParameters(h -> h.headerParameters(Map.of("X-Conveyor-Webhook-Secret", "k")))));
        receiver.down(true);
        String eventId = events.putEvents(r -> r.entries(entry("com.example", "{\"n\": 1}"))).entries().getFirst().eventId();
        JsonNode dead = Await.await(() -> {
            try {
                return JSON.readTree(http.send(signed("GET", "/conveyor/v1/events/dead-letters").build(),
                        HttpResponse.BodyHandlers.ofString()).body()).path("DeadLetters");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, list -> list.size() == 1, Duration.ofSeconds(60), "the delivery to be dead-lettered");
        assertThat(dead.get(0).path("EventId").asText()).isEqualTo(eventId);
        assertThat(dead.get(0).path("Attempts").asInt()).isEqualTo(MAX_ATTEMPTS);
        assertThat(dead.get(0).path("LastError").asText()).contains("HTTP 503");
        assertThat(dead.get(0).toString()).doesNotContain("\"k\"");
        assertThat(receiver.received()).isEmpty();

        receiver.down(false);
        var redrive = http.send(signed("POST", "/conveyor/v1/events/dead-letters/" + dead.get(0).path("Id").asText() + "/redrive").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(redrive.statusCode()).isEqualTo(200);
        EventReceiver.Received got = Await.await(() -> receiver.received().stream().findFirst().orElse(null), r -> r != null,
                Duration.ofSeconds(20), "the redriven delivery");
        assertThat(got.header("X-Conveyor-Event-Id")).isEqualTo(eventId);
    }

    @Test
    void anS3ObjectCreatedEventStartsAPipelineThroughARule() throws Exception {
        String first = succeedingPipeline("on-upload");
        ExecutionFixtures.awaitSettled(pipelines, "on-upload", first);
        events.putRule(r -> r.name("uploads").eventPattern("""
                {"source": ["aws.s3"], "detail-type": ["Object Created"],
                 "detail": {"bucket": {"name": ["conveyor-test-sources"]}, "object": {"key": [{"suffix": ".zip"}]}}}"""));
        events.putTargets(r -> r.rule("uploads").targets(t -> t.id("pipeline").arn(pipelineArn("on-upload"))));
        ExecutionFixtures.putSource(server.objects(), Map.of("README", "a new version"));
        // The pipeline's own S3 source trigger starts it too (trigger detail: the object); the rule's start names the rule.
        String ruleArn = "arn:aws:events:us-east-1:" + ACCOUNT + ":rule/uploads";
        var started = Await.await(() -> pipelines.listPipelineExecutions(r -> r.pipelineName("on-upload")).pipelineExecutionSummaries(),
                list -> list.stream().anyMatch(e -> ruleArn.equals(e.trigger().triggerDetail())), Duration.ofSeconds(20),
                "the upload to start the pipeline through the rule");
        var execution = started.stream().filter(e -> ruleArn.equals(e.trigger().triggerDetail())).findFirst().orElseThrow();
        assertThat(execution.trigger().triggerTypeAsString()).isEqualTo("CloudWatchEvent");
        assertThat(ExecutionFixtures.awaitSettled(pipelines, "on-upload", execution.pipelineExecutionId()).status())
                .isEqualTo(PipelineExecutionStatus.SUCCEEDED);
    }

    @Test
    void aSlackTargetGetsABlockKitMessageWithPipelineStageStatusAndALink() throws Exception {
        notifications.createNotificationRule(r -> r.name("slack-stages").resource(pipelineArn("chatty"))
                .eventTypeIds("codepipeline-pipeline-stage-execution-failed").detailType(DetailType.BASIC)
                .targets(Target.builder().targetType("AWSChatbotSlack").targetAddress(receiver.url("/services/T000/B000/XXX")).build()));
        String execution = failingPipeline("chatty");
        ExecutionFixtures.awaitSettled(pipelines, "chatty", execution);
        EventReceiver.Received slack = Await.await(() -> receiver.received().stream().findFirst().orElse(null), r -> r != null,
                Duration.ofSeconds(20), "the Slack message");
        JsonNode message = JSON.readTree(slack.body());
        assertThat(message.path("text").asText()).contains("chatty").contains("Build").contains("FAILED");
        JsonNode blocks = message.path("blocks");
        assertThat(blocks.get(0).path("type").asText()).isEqualTo("header");
        assertThat(blocks.get(1).path("fields").toString()).contains("*Pipeline*\\nchatty").contains("*Stage*\\nBuild")
                .contains("*Status*\\nFAILED").contains(execution);
        JsonNode button = blocks.get(blocks.size() - 1).path("elements").get(0);
        assertThat(button.path("type").asText()).isEqualTo("button");
        assertThat(button.path("url").asText()).startsWith(server.endpoint()).contains(execution);
        assertThat(receiver.received()).as("one failed stage, one message").hasSize(1);
    }

    // ---- stage conditions and rules (Conveyor's two extension detail types)

    @Test
    void aRuleThatFailsAndTheConditionThatSkipsItsStageReachARulesTargetAndTheStreamInOrder() throws Exception {
        events.putRule(r -> r.name("gated").eventPattern("{\"source\": [\"aws.codepipeline\"], \"detail\": {\"pipeline\": [\"gated\"]}}"));
        events.putTargets(r -> r.rule("gated").targets(t -> t.id("hook").arn(receiver.url("/hook"))
                .httpParameters(h -> h.headerParameters(Map.of("X-Conveyor-Webhook-Secret", "k")))));
        ExecutionFixtures.putSource(server.objects(), Map.of("README", "hello"));
        software.amazon.awssdk.services.codepipeline.model.RuleDeclaration onMain = software.amazon.awssdk.services.codepipeline.model
                .RuleDeclaration.builder().name("OnMain").ruleTypeId(t -> t.category("Rule").owner("AWS").provider("VariableCheck").version("1"))
                .configuration(Map.of("Variable", "#{variables.Branch}", "Operator", "EQ", "Value", "main")).build();
        var deploy = ExecutionFixtures.stage("Deploy", ExecutionFixtures.commands("Deploy", 1, "true")).toBuilder()
                .beforeEntry(b -> b.conditions(c -> c.result(software.amazon.awssdk.services.codepipeline.model.Result.SKIP).rules(onMain)))
                .build();
        pipelines.createPipeline(r -> r.pipeline(ExecutionFixtures.pipeline("gated", "QUEUED", deploy,
                ExecutionFixtures.stage("Notify", ExecutionFixtures.commands("Notify", 1, "true"))).toBuilder()
                .variables(v -> v.name("Branch").defaultValue("feature/login")).build()));
        String execution = ExecutionFixtures.createdExecution(pipelines, "gated");
        assertThat(ExecutionFixtures.awaitSettled(pipelines, "gated", execution).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);

        List<String> expected = List.of(
                "Pipeline STARTED", "Stage Source STARTED", "Action Source/Source STARTED", "Action Source/Source SUCCEEDED",
                "Stage Source SUCCEEDED", "Stage Deploy STARTED", "Condition Deploy/BEFORE_ENTRY STARTED", "Rule Deploy/OnMain STARTED",
                "Rule Deploy/OnMain FAILED", "Condition Deploy/BEFORE_ENTRY FAILED", "Stage Deploy SKIPPED", "Stage Notify STARTED",
                "Action Notify/Notify STARTED", "Action Notify/Notify SUCCEEDED", "Stage Notify SUCCEEDED", "Pipeline SUCCEEDED");
        List<String> got = Await.await(() -> receiver.received().stream().map(r -> describe(r.body())).toList(),
                list -> list.size() >= expected.size(), Duration.ofSeconds(30), "every event of the gated execution");
        assertThat(got).containsExactlyElementsOf(expected);
        JsonNode rule = receiver.received().stream().map(r -> {
            try {
                return JSON.readTree(r.body());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).filter(e -> e.path("detail-type").asText().equals("CodePipeline Rule Execution State Change")
                && e.path("detail").path("state").asText().equals("FAILED")).findFirst().orElseThrow();
        assertThat(rule.path("source").asText()).isEqualTo("aws.codepipeline");
        assertThat(rule.path("resources").get(0).asText()).isEqualTo(pipelineArn("gated"));
        assertThat(rule.path("detail").path("execution-id").asText()).isEqualTo(execution);
        assertThat(rule.path("detail").path("type").path("provider").asText()).isEqualTo("VariableCheck");
        assertThat(rule.path("detail").path("execution-result").path("external-execution-summary").asText())
                .contains("'feature/login' EQ 'main' is false");

        // The execution's live stream carries the same events, in the same order.
        String path = "/conveyor/v1/events/pipelines/gated/executions/" + execution + "/stream";
        assertThat(readStream(signed("GET", path).build(), expected.size())).extracting(e -> e[1]).containsExactlyElementsOf(expected);
    }

    @Test
    void notificationRulesOnACodeDeployApplicationTakeCodeDeploysEventTypesOnly() {
        String application = "arn:aws:codedeploy:us-east-1:" + ACCOUNT + ":application:web";
        String topic = sns.createTopic(r -> r.name("deploys")).topicArn();
        Target toTopic = Target.builder().targetType("SNS").targetAddress(topic).build();
        String rule = notifications.createNotificationRule(r -> r.name("deploy-failures").resource(application)
                .eventTypeIds("codedeploy-application-deployment-failed").detailType(DetailType.FULL).targets(toTopic)).arn();
        assertThat(notifications.describeNotificationRule(r -> r.arn(rule)).eventTypes()).singleElement().satisfies(t -> {
            assertThat(t.serviceName()).isEqualTo("CodeDeploy");
            assertThat(t.resourceType()).isEqualTo("Application");
            assertThat(t.eventTypeName()).isEqualTo("Deployment: Failed");
        });
        assertThatThrownBy(() -> notifications.createNotificationRule(r -> r.name("mixed").resource(application)
                .eventTypeIds("codedeploy-application-deployment-started", "codepipeline-pipeline-pipeline-execution-failed")
                .detailType(DetailType.FULL).targets(toTopic)))
                .isInstanceOf(software.amazon.awssdk.services.codestarnotifications.model.ValidationException.class)
                .hasMessageContaining("EventTypeIds[1]");
        assertThat(notifications.listEventTypes(r -> r.filters(f -> f.name("SERVICE_NAME").value("CodeDeploy"))).eventTypes())
                .extracting(t -> t.eventTypeId()).containsExactlyInAnyOrder("codedeploy-application-deployment-failed",
                        "codedeploy-application-deployment-succeeded", "codedeploy-application-deployment-started");
        assertThat(notifications.listEventTypes(r -> r.filters(f -> f.name("RESOURCE_TYPE").value("Pipeline"))).eventTypes())
                .extracting(t -> t.serviceName()).containsOnly("CodePipeline");
    }
}
