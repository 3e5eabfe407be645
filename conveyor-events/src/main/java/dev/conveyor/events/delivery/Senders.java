package dev.conveyor.events.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.events.Json;
import dev.conveyor.events.sns.MessageSigner;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends one delivery by its kind: SNS messages over HTTP(S) (signed, SNS's headers) or SMTP, webhooks (with the
 * {@value #SIGNATURE_HEADER} HMAC-SHA256 header), Slack messages, and pipeline starts. A delivery fails by throwing;
 * an HTTP answer outside 2xx is a failure. Every request has a timeout, so a receiver that never answers costs its
 * lane one attempt, never a thread of the engine.
 */
public final class Senders {
    public static final String SIGNATURE_HEADER = "X-Conveyor-Signature-256";
    public static final String EVENT_ID_HEADER = "X-Conveyor-Event-Id";

    /** Starts a pipeline for an event: (pipeline ARN, client request token and rule ARN). */
    public interface PipelineStarter {
        void start(String pipelineArn, String clientRequestToken, String ruleArn);
    }

    private HttpClient http; // made on the first HTTP delivery: see http()
    private final Duration timeout;
    private final MessageSigner signer;
    private final Supplier<String> publicUrl;
    private final SmtpSender smtp;
    private final PipelineStarter pipelines;

    public Senders(Duration timeout, MessageSigner signer, Supplier<String> publicUrl, SmtpSender smtp, PipelineStarter pipelines) {
        this.timeout = timeout;
        this.signer = signer;
        this.publicUrl = publicUrl;
        this.smtp = smtp;
        this.pipelines = pipelines;
    }

    public void send(DeliveryRow d) throws IOException, InterruptedException {
        JsonNode a = Json.read(d.attributes());
        switch (d.kind()) {
            case "sns", "sns-confirm" -> sendSns(d, a);
            case "webhook" -> {
                byte[] body = d.payload().getBytes(StandardCharsets.UTF_8);
                post(d.endpoint(), body, "application/json", Map.of(SIGNATURE_HEADER, "sha256=" + hmac(a.path("secret").asText(), body),
                        EVENT_ID_HEADER, d.eventId()));
            }
            case "slack" -> post(d.endpoint(), d.payload().getBytes(StandardCharsets.UTF_8), "application/json", Map.of());
            case "pipeline" -> pipelines.start(d.endpoint(), d.eventId(), a.path("ruleArn").asText());
            default -> throw new IOException("unknown delivery kind " + d.kind());
        }
    }

    public static String hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SNS JSON document of a notification or confirmation, signed. */
    ObjectNode snsDocument(DeliveryRow d, JsonNode a) {
        Map<String, String> fields = new LinkedHashMap<>();
        String type = a.path("type").asText();
        fields.put("Type", type);
        fields.put("MessageId", a.path("messageId").asText());
        if (type.equals("SubscriptionConfirmation")) {
            fields.put("Token", a.path("token").asText());
        }
        fields.put("TopicArn", a.path("topicArn").asText());
        if (a.hasNonNull("subject")) {
            fields.put("Subject", a.path("subject").asText());
        }
        fields.put("Message", d.payload());
        if (type.equals("SubscriptionConfirmation")) {
            fields.put("SubscribeURL", a.path("subscribeUrl").asText());
        }
        fields.put("Timestamp", a.path("timestamp").asText());
        String version = a.path("signatureVersion").asText("1");
        ObjectNode doc = Json.object();
        fields.forEach(doc::put);
        doc.put("SignatureVersion", version);
        doc.put("Signature", signer.sign(fields, version));
        doc.put("SigningCertURL", publicUrl.get() + MessageSigner.CERT_PATH);
        if (type.equals("Notification")) {
            doc.put("UnsubscribeURL", publicUrl.get() + dev.conveyor.events.sns.SnsApi.LINK_PREFIX + "unsubscribe?Action=Unsubscribe&SubscriptionArn="
                    + java.net.URLEncoder.encode(a.path("subscriptionArn").asText(), StandardCharsets.UTF_8));
        }
        return doc;
    }

    private void sendSns(DeliveryRow d, JsonNode a) throws IOException, InterruptedException {
        String protocol = a.path("protocol").asText();
        boolean confirm = "SubscriptionConfirmation".equals(a.path("type").asText());
        switch (protocol) {
            case "http", "https" -> {
                boolean raw = !confirm && a.path("raw").asBoolean(false);
                byte[] body = (raw ? d.payload() : Json.write(snsDocument(d, a))).getBytes(StandardCharsets.UTF_8);
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("x-amz-sns-message-type", a.path("type").asText());
                headers.put("x-amz-sns-message-id", a.path("messageId").asText());
                headers.put("x-amz-sns-topic-arn", a.path("topicArn").asText());
                if (!confirm) {
                    headers.put("x-amz-sns-subscription-arn", a.path("subscriptionArn").asText());
                }
                if (raw) {
                    headers.put("x-amz-sns-rawdelivery", "true");
                }
                post(d.endpoint(), body, "text/plain; charset=UTF-8", headers);
            }
            case "email" -> {
                if (confirm) {
                    smtp.send(d.endpoint(), "AWS Notification - Subscription Confirmation", "You have chosen to subscribe to the topic:\n"
                            + a.path("topicArn").asText() + "\n\nTo confirm this subscription, click or visit the link below:\n"
                            + a.path("subscribeUrl").asText() + "\n");
                } else {
                    smtp.send(d.endpoint(), a.path("subject").asText("AWS Notification Message"), d.payload()
                            + "\n\n--\nIf you wish to stop receiving notifications from this topic, visit:\n" + snsDocument(d, a).path("UnsubscribeURL").asText() + "\n");
                }
            }
            case "email-json" -> smtp.send(d.endpoint(), confirm ? "AWS Notification - Subscription Confirmation"
                    : a.path("subject").asText("AWS Notification Message"), Json.write(snsDocument(d, a)));
            default -> throw new IOException("unsupported protocol " + protocol);
        }
    }

    /**
     * The client for webhook, Slack and SNS HTTP deliveries, made when the first one is sent: making it loads TLS and
     * reads the JDK's trusted certificates, some 80 ms of every server start (issue 20: start to healthy) on a server
     * that may never deliver over HTTP.
     */
    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        }
        return http;
    }

    private void post(String url, byte[] body, String contentType, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Content-Type", contentType).header("User-Agent", "Conveyor-Events/1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        HttpResponse<Void> response = http().send(request.build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("HTTP " + response.statusCode() + " from " + url);
        }
    }

}
