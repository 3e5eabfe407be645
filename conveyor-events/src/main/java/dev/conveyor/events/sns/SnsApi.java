package dev.conveyor.events.sns;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.events.Json;
import dev.conveyor.events.delivery.Deliveries;
import dev.conveyor.events.delivery.DeliveryRow;
import dev.conveyor.events.outbox.CodePipelineEvents;
import dev.conveyor.events.outbox.Outbox;
import dev.conveyor.events.outbox.OutboxRow;
import dev.conveyor.store.Database;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * SNS's operations (AWS Query protocol, XML answers): CreateTopic, DeleteTopic, ListTopics, GetTopicAttributes,
 * Subscribe, ConfirmSubscription, Unsubscribe, ListSubscriptionsByTopic, ListSubscriptions, Publish. A subscription
 * over http, https, email or email-json is pending until its endpoint confirms with the token it is sent (the
 * SubscriptionConfirmation message, or an e-mail with the link), as in SNS.
 */
public final class SnsApi {
    private static final String NS = "http://sns.amazonaws.com/doc/2010-03-31/";
    private static final Pattern TOPIC_NAME = Pattern.compile("[A-Za-z0-9_-]{1,256}");
    /** Unsigned GETs the confirmation and unsubscribe links of messages point at. */
    public static final String LINK_PREFIX = "/conveyor/v1/sns/";

    private final Database db;
    private final Topics topics;
    private final Deliveries deliveries;
    private final Outbox outbox;
    private final String region;
    private final String accountId;
    private final Supplier<String> publicUrl;
    private final Clock clock;
    private final Runnable written;

    public SnsApi(Database db, Topics topics, Deliveries deliveries, Outbox outbox, String region, String accountId,
                  Supplier<String> publicUrl, Clock clock, Runnable written) {
        this.db = db;
        this.topics = topics;
        this.deliveries = deliveries;
        this.outbox = outbox;
        this.region = region;
        this.accountId = accountId;
        this.publicUrl = publicUrl;
        this.clock = clock;
        this.written = written;
    }

    /** An answer: HTTP status and the XML document. */
    public record Answer(int status, String xml) {
    }

    public Answer handle(Map<String, String> p, String requestId) {
        String action = p.getOrDefault("Action", "");
        try {
            String result = switch (action) {
                case "CreateTopic" -> createTopic(p);
                case "DeleteTopic" -> deleteTopic(p);
                case "ListTopics" -> listTopics();
                case "GetTopicAttributes" -> getTopicAttributes(p);
                case "Subscribe" -> subscribe(p);
                case "ConfirmSubscription" -> "<SubscriptionArn>" + esc(confirm(required(p, "TopicArn"), required(p, "Token")))
                        + "</SubscriptionArn>";
                case "Unsubscribe" -> unsubscribe(p);
                case "ListSubscriptionsByTopic" -> listSubscriptions(required(p, "TopicArn"));
                case "ListSubscriptions" -> listSubscriptions(null);
                case "Publish" -> publish(p);
                default -> throw new SnsException("InvalidAction", 400, "The action " + action + " is not valid for this endpoint.");
            };
            String body = "<" + action + "Response xmlns=\"" + NS + "\">"
                    + (result == null ? "" : "<" + action + "Result>" + result + "</" + action + "Result>")
                    + "<ResponseMetadata><RequestId>" + requestId + "</RequestId></ResponseMetadata></" + action + "Response>";
            return new Answer(200, body);
        } catch (SnsException e) {
            return error(e, requestId);
        }
    }

    public static Answer error(SnsException e, String requestId) {
        return new Answer(e.status(), "<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>" + (e.status() >= 500 ? "Receiver" : "Sender")
                + "</Type><Code>" + e.code() + "</Code><Message>" + esc(e.getMessage()) + "</Message></Error><RequestId>" + requestId
                + "</RequestId></ErrorResponse>");
    }

    private static String required(Map<String, String> p, String name) {
        String v = p.get(name);
        if (v == null || v.isEmpty()) {
            throw SnsException.invalidParameter("Invalid parameter: " + name);
        }
        return v;
    }

    private String topicArn(String name) {
        return "arn:aws:sns:" + region + ":" + accountId + ":" + name;
    }

    private Topics.Topic topic(String arn) {
        return db.read(c -> topics.topic(c, arn)).orElseThrow(() -> SnsException.notFound("Topic does not exist"));
    }

    /** Attributes given as {@code Attributes.entry.N.key} / {@code .value}. */
    private static Map<String, String> attributes(Map<String, String> p) {
        Map<String, String> attributes = new TreeMap<>();
        for (int i = 1; p.containsKey("Attributes.entry." + i + ".key"); i++) {
            attributes.put(p.get("Attributes.entry." + i + ".key"), p.getOrDefault("Attributes.entry." + i + ".value", ""));
        }
        return attributes;
    }

    private String createTopic(Map<String, String> p) {
        String name = required(p, "Name");
        if (!TOPIC_NAME.matcher(name).matches()) {
            throw SnsException.invalidParameter("Invalid parameter: Topic Name");
        }
        Map<String, String> given = attributes(p);
        String sv = given.getOrDefault("SignatureVersion", "1");
        if (!sv.equals("1") && !sv.equals("2")) {
            throw SnsException.invalidParameter("Invalid parameter: Attributes Reason: SignatureVersion must be 1 or 2");
        }
        String arn = topicArn(name);
        ObjectNode attributes = Json.object();
        given.forEach(attributes::put);
        db.inTransaction(c -> {
            if (topics.topic(c, arn).isEmpty()) { // CreateTopic is idempotent
                topics.createTopic(c, arn, name, Json.write(attributes), clock.instant());
            }
            return null;
        });
        return "<TopicArn>" + esc(arn) + "</TopicArn>";
    }

    private String deleteTopic(Map<String, String> p) {
        String arn = required(p, "TopicArn");
        db.inTransaction(c -> {
            topics.deleteTopic(c, arn);
            return null;
        });
        return null;
    }

    private String listTopics() {
        StringBuilder s = new StringBuilder("<Topics>");
        for (Topics.Topic t : db.read(topics::topics)) {
            s.append("<member><TopicArn>").append(esc(t.arn())).append("</TopicArn></member>");
        }
        return s.append("</Topics>").toString();
    }

    private String getTopicAttributes(Map<String, String> p) {
        Topics.Topic t = topic(required(p, "TopicArn"));
        List<Topics.Subscription> subs = db.read(c -> topics.subscriptions(c, t.arn()));
        Map<String, String> a = new TreeMap<>();
        Json.read(t.attributes()).fields().forEachRemaining(e -> a.put(e.getKey(), e.getValue().asText()));
        a.put("TopicArn", t.arn());
        a.put("Owner", accountId);
        a.put("SubscriptionsConfirmed", Long.toString(subs.stream().filter(Topics.Subscription::confirmed).count()));
        a.put("SubscriptionsPending", Long.toString(subs.stream().filter(s -> !s.confirmed()).count()));
        a.putIfAbsent("DisplayName", "");
        StringBuilder s = new StringBuilder("<Attributes>");
        a.forEach((k, v) -> s.append("<entry><key>").append(esc(k)).append("</key><value>").append(esc(v)).append("</value></entry>"));
        return s.append("</Attributes>").toString();
    }

    private String subscribe(Map<String, String> p) {
        String topicArn = required(p, "TopicArn");
        String protocol = required(p, "Protocol");
        String endpoint = p.get("Endpoint");
        topic(topicArn);
        switch (protocol) {
            case "http", "https" -> {
                if (endpoint == null || !endpoint.startsWith(protocol + "://")) {
                    throw SnsException.invalidParameter("Invalid parameter: Endpoint must match the specified protocol");
                }
            }
            case "email", "email-json" -> {
                if (endpoint == null || !endpoint.matches("[^@\\s]+@[^@\\s]+")) {
                    throw SnsException.invalidParameter("Invalid parameter: Email address");
                }
            }
            default -> throw SnsException.invalidParameter("Invalid parameter: Amazon SNS does not support this protocol string: "
                    + protocol + " (Conveyor supports http, https, email and email-json)");
        }
        Map<String, String> given = attributes(p);
        ObjectNode attributes = Json.object();
        given.forEach(attributes::put);
        Instant now = clock.instant();
        Topics.Subscription existing = db.read(c -> topics.subscriptionTo(c, topicArn, protocol, endpoint)).orElse(null);
        if (existing != null && existing.confirmed()) {
            return "<SubscriptionArn>" + esc(existing.arn()) + "</SubscriptionArn>";
        }
        Topics.Subscription sub = existing != null ? existing : new Topics.Subscription(topicArn + ":" + UUID.randomUUID(), topicArn,
                protocol, endpoint, "PendingConfirmation", token(), Json.write(attributes));
        db.inTransaction(c -> {
            if (existing == null) {
                topics.addSubscription(c, sub, now);
            }
            ObjectNode a = Json.object();
            a.put("protocol", protocol);
            a.put("topicArn", topicArn);
            a.put("subscriptionArn", sub.arn());
            a.put("messageId", UUID.randomUUID().toString());
            a.put("timestamp", Json.millis(now));
            a.put("type", "SubscriptionConfirmation");
            a.put("token", sub.token());
            a.put("subscribeUrl", subscribeUrl(topicArn, sub.token()));
            a.put("signatureVersion", Json.read(topic(topicArn).attributes()).path("SignatureVersion").asText("1"));
            String message = "You have chosen to subscribe to the topic " + topicArn + ".\nTo confirm the subscription, visit the "
                    + "SubscribeURL included in this message.";
            String id = UUID.randomUUID().toString();
            deliveries.add(c, new DeliveryRow(id, 0, id, "confirm:" + sub.arn(), "confirm:" + sub.arn(), "sns-confirm", endpoint, message,
                    Json.write(a), DeliveryRow.PENDING, 0, now, null, now, null));
            return null;
        });
        written.run();
        boolean returnArn = "true".equalsIgnoreCase(p.get("ReturnSubscriptionArn"));
        return "<SubscriptionArn>" + (returnArn ? esc(sub.arn()) : "pending confirmation") + "</SubscriptionArn>";
    }

    public String subscribeUrl(String topicArn, String token) {
        return publicUrl.get() + LINK_PREFIX + "confirm?Action=ConfirmSubscription&TopicArn=" + enc(topicArn) + "&Token=" + enc(token);
    }

    public String unsubscribeUrl(String subscriptionArn) {
        return publicUrl.get() + LINK_PREFIX + "unsubscribe?Action=Unsubscribe&SubscriptionArn=" + enc(subscriptionArn);
    }

    /** Confirms a pending subscription with the token it was sent; returns its ARN. */
    public String confirm(String topicArn, String token) {
        return db.inTransaction(c -> {
            Topics.Subscription s = topics.byToken(c, topicArn, token)
                    .orElseThrow(() -> SnsException.invalidParameter("Invalid token"));
            topics.confirm(c, topicArn, token);
            return s.arn();
        });
    }

    /** Removes a subscription (the API, and the UnsubscribeURL of messages). */
    public String unsubscribe(Map<String, String> p) {
        String arn = required(p, "SubscriptionArn");
        boolean removed = db.inTransaction(c -> topics.unsubscribe(c, arn));
        if (!removed) {
            throw SnsException.notFound("Subscription does not exist");
        }
        return null;
    }

    private String listSubscriptions(String topicArn) {
        if (topicArn != null) {
            topic(topicArn);
        }
        List<Topics.Subscription> subs = db.read(c -> topicArn == null ? topics.allSubscriptions(c) : topics.subscriptions(c, topicArn));
        StringBuilder s = new StringBuilder("<Subscriptions>");
        for (Topics.Subscription sub : subs) {
            s.append("<member><TopicArn>").append(esc(sub.topicArn())).append("</TopicArn><Protocol>").append(esc(sub.protocol()))
                    .append("</Protocol><SubscriptionArn>").append(sub.confirmed() ? esc(sub.arn()) : "PendingConfirmation")
                    .append("</SubscriptionArn><Owner>").append(accountId).append("</Owner><Endpoint>").append(esc(sub.endpoint()))
                    .append("</Endpoint></member>");
        }
        return s.append("</Subscriptions>").toString();
    }

    private String publish(Map<String, String> p) {
        String topicArn = p.getOrDefault("TopicArn", p.get("TargetArn"));
        if (topicArn == null) {
            throw SnsException.invalidParameter("Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter");
        }
        String message = required(p, "Message");
        String subject = p.get("Subject");
        if (subject != null && (subject.length() > 100 || subject.contains("\n"))) {
            throw SnsException.invalidParameter("Invalid parameter: Subject");
        }
        topic(topicArn);
        ObjectNode structure;
        if ("json".equals(p.get("MessageStructure"))) {
            try {
                structure = (ObjectNode) Json.read(message);
            } catch (RuntimeException e) {
                throw SnsException.invalidParameter("Invalid parameter: Message Structure - JSON message body failed to parse");
            }
            if (!structure.has("default")) {
                throw SnsException.invalidParameter("Invalid parameter: Message Structure - No default entry in JSON message body");
            }
        } else {
            structure = Json.object().put("default", message);
        }
        String id = CodePipelineEvents.newId();
        db.inTransaction(c -> {
            outbox.add(c, id, OutboxRow.PUBLISH, null, null, null, topicArn, subject, Json.write(structure), clock.instant());
            return null;
        });
        written.run();
        return "<MessageId>" + id + "</MessageId>";
    }

    private static String token() {
        byte[] b = new byte[32];
        new java.security.SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    public static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
