package dev.conveyor.events;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.engine.TransitionRecorder;
import dev.conveyor.events.delivery.Deliveries;
import dev.conveyor.events.delivery.DeliveryPolicy;
import dev.conveyor.events.delivery.DeliveryRow;
import dev.conveyor.events.delivery.Dispatcher;
import dev.conveyor.events.delivery.RouteOnWrite;
import dev.conveyor.events.delivery.Senders;
import dev.conveyor.events.delivery.SmtpSender;
import dev.conveyor.events.notifications.NotificationsApi;
import dev.conveyor.events.outbox.ApprovalMessages;
import dev.conveyor.events.outbox.CodeDeployEvents;
import dev.conveyor.events.outbox.CodePipelineEvents;
import dev.conveyor.events.outbox.DeploymentOutboxRecorder;
import dev.conveyor.events.outbox.Outbox;
import dev.conveyor.events.outbox.OutboxRecorder;
import dev.conveyor.events.rules.EventBridgeApi;
import dev.conveyor.events.sns.MessageSigner;
import dev.conveyor.events.sns.SnsApi;
import dev.conveyor.events.sns.SnsFanout;
import dev.conveyor.events.sns.Topics;
import dev.conveyor.events.stream.EventStreams;
import dev.conveyor.model.servicemodel.ServiceModel;
import dev.conveyor.store.Database;
import dev.conveyor.store.outbox.DeploymentRecorder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Events and notifications assembled over a database: the tables migrated, the outbox recorder the engine calls in
 * its transactions, the dispatcher, the EventBridge, SNS and CodeStar Notifications APIs, live streams and dead
 * letters. The server makes one, adds {@link #recorder()} to the engine, gives {@link #deploymentRecorder()} to the
 * deployments, routes requests, and closes it when it stops.
 */
public final class EventServices implements AutoCloseable {
    /** EventBridge's model as served (AWS JSON 1.1, target prefix AWSEvents), documentation stripped. */
    private static final String MODEL = "events-2015-10-07.json";

    /** Where e-mail goes ({@code host} null: no e-mail). */
    public record SmtpSettings(String host, int port, String from) {
        public static SmtpSettings none() {
            return new SmtpSettings(null, 25, "conveyor@localhost");
        }
    }

    private final Database db;
    private final Outbox outbox;
    private final Deliveries deliveries = new Deliveries();
    private final OutboxRecorder recorder;
    private final DeploymentOutboxRecorder deploymentRecorder;
    private final EventBridgeApi eventBridge;
    private final SnsApi sns;
    private final NotificationsApi notifications;
    private final EventStreams streams;
    private final MessageSigner signer;
    private final Dispatcher dispatcher;
    private final Clock clock;

    private EventServices(Database db, Path dataDir, String region, String accountId, Clock clock, Supplier<String> publicUrl,
                          SmtpSettings smtp, DeliveryPolicy policy, Senders.PipelineStarter pipelines, Duration tick) {
        this.db = db;
        this.clock = clock;
        Topics topics = new Topics();
        SnsFanout fanout = new SnsFanout(topics);
        outbox = new Outbox(RouteOnWrite.create(fanout, publicUrl, deliveries, clock));
        streams = new EventStreams(db, outbox, clock);
        signer = MessageSigner.open(dataDir.resolve("events"));
        Senders senders = new Senders(policy.timeout(), signer, publicUrl, new SmtpSender(smtp.host(), smtp.port(), smtp.from(),
                (int) policy.timeout().toMillis()), pipelines);
        EventBridgeApi[] api = new EventBridgeApi[1];
        dispatcher = Dispatcher.create(db, outbox, deliveries, fanout, publicUrl, senders, policy, clock, tick,
                () -> {
                    fireSchedulesNowAndThen(api[0]);
                    purgeNowAndThen();
                }, streams::committed);
        Runnable written = () -> {
            streams.committed();
            dispatcher.signal();
        };
        recorder = new OutboxRecorder(outbox, new CodePipelineEvents(region, accountId), new ApprovalMessages(region, publicUrl), written);
        deploymentRecorder = new DeploymentOutboxRecorder(outbox, new CodeDeployEvents(region, accountId), clock, written);
        eventBridge = new EventBridgeApi(db, outbox, region, accountId, clock, written);
        api[0] = eventBridge;
        sns = new SnsApi(db, topics, deliveries, outbox, region, accountId, publicUrl, clock, written);
        notifications = new NotificationsApi(db, region, accountId, clock);
    }

    /**
     * How often the schedule rules are looked at, at most. The dispatcher runs a round per commit signalled (every
     * action transition), and reading the enabled rules for their schedules was one of its four reads per round (a
     * statement per no-op action on PostgreSQL, issue 20); schedules fall on whole minutes, so a look each second fires
     * them at most a second late. The dispatcher's tick brings a round at least that often when nothing is committed.
     */
    static final Duration SCHEDULE_LOOK_GAP = Duration.ofSeconds(1);
    private long lastScheduleLook = System.nanoTime() - SCHEDULE_LOOK_GAP.toNanos();

    /** Fires the schedule rules that fell since they last fired, unless they were looked at less than a second ago. */
    private void fireSchedulesNowAndThen(EventBridgeApi api) {
        long now = System.nanoTime();
        if (now - lastScheduleLook < SCHEDULE_LOOK_GAP.toNanos()) {
            return;
        }
        lastScheduleLook = now;
        api.fireSchedules();
    }

    /** How long routed events (what streams resume from) and finished deliveries are kept. */
    public static final Duration RETENTION = Duration.ofDays(7);
    private java.time.Instant lastPurge = java.time.Instant.EPOCH;

    /** At most hourly: removes routed outbox rows and delivered deliveries older than {@link #RETENTION}. */
    private void purgeNowAndThen() {
        java.time.Instant now = clock.instant();
        if (Duration.between(lastPurge, now).compareTo(Duration.ofHours(1)) < 0) {
            return;
        }
        lastPurge = now;
        db.inTransaction(c -> {
            outbox.purge(c, now.minus(RETENTION));
            deliveries.purgeDelivered(c, now.minus(RETENTION));
            return null;
        });
    }

    /** Migrates the tables (after the store's) and assembles the services; {@link #start()} starts delivering. */
    public static EventServices open(Database db, Path dataDir, String region, String accountId, Clock clock, Supplier<String> publicUrl,
                                     SmtpSettings smtp, DeliveryPolicy policy, Senders.PipelineStarter pipelines, Duration tick) {
        EventsSchema.migrate(db);
        return new EventServices(db, dataDir, region, accountId, clock, publicUrl, smtp, policy, pipelines, tick);
    }

    /** Dispatches (routes, delivers, fires schedule rules) only while {@code gate} holds: see {@link Dispatcher#onlyWhile}. */
    public void onlyWhile(java.util.function.BooleanSupplier gate) {
        dispatcher.onlyWhile(gate);
    }

    /** Starts delivering (once the server listens: messages carry its URL). */
    public void start() {
        dispatcher.start();
    }

    public static ServiceModel eventBridgeModel() {
        return ServiceModel.load(MODEL);
    }

    /** Add to the engine: writes events inside its transactions. */
    public TransitionRecorder recorder() {
        return recorder;
    }

    /** Give to the deployments: writes CodeDeploy's events inside their transactions. */
    public DeploymentRecorder deploymentRecorder() {
        return deploymentRecorder;
    }

    public EventBridgeApi eventBridge() {
        return eventBridge;
    }

    public SnsApi sns() {
        return sns;
    }

    public NotificationsApi notifications() {
        return notifications;
    }

    public EventStreams streams() {
        return streams;
    }

    public String signingCertificatePem() {
        return signer.certificatePem();
    }

    /** Dead-lettered deliveries as JSON ({@code {"DeadLetters": [...]}}), newest first; secrets left out. */
    public ObjectNode deadLetters(int limit) {
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("DeadLetters");
        for (DeliveryRow d : db.read(c -> deliveries.dead(c, limit))) {
            ObjectNode o = list.addObject();
            o.put("Id", d.id());
            o.put("EventId", d.eventId());
            o.put("Subscriber", d.subscriberId());
            o.put("Kind", d.kind());
            o.put("Endpoint", d.endpoint());
            o.put("Attempts", d.attempts());
            o.put("LastError", d.lastError());
            o.put("CreatedAt", Json.millis(d.createdAt()));
        }
        return out;
    }

    /** Puts a dead letter back in its lane; false when there is none with this id. */
    public boolean redrive(String deliveryId) {
        boolean done = db.inTransaction(c -> deliveries.redrive(c, deliveryId, clock.instant()));
        dispatcher.signal();
        return done;
    }

    /** Every delivery of a subscriber (tests and tools). */
    public List<DeliveryRow> deliveriesOf(String subscriberId) {
        return db.read(c -> deliveries.ofSubscriber(c, subscriberId));
    }

    @Override
    public void close() {
        dispatcher.close();
    }
}
