package dev.conveyor.cloudwatch;

import dev.conveyor.cloudwatch.alertmanager.AlertmanagerWebhook;
import dev.conveyor.cloudwatch.api.CloudWatchApi;
import dev.conveyor.cloudwatch.store.CloudWatchRepository;
import dev.conveyor.cloudwatch.store.CloudWatchSchema;
import dev.conveyor.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CloudWatch assembled over a database: the tables migrated, the alarms, the API for both protocols, the Alertmanager
 * receiver, and the timer that re-evaluates alarms at their period boundaries. The server makes one, routes requests
 * to it and closes it (stopping the timer) when it stops.
 */
public final class CloudWatchServices implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CloudWatchServices.class);
    private static final Duration PRUNE_INTERVAL = Duration.ofHours(1);

    private final Alarms alarms;
    private final CloudWatchApi api;
    private final AlertmanagerWebhook alertmanager;
    private final Clock clock;
    private final Duration tick;
    private volatile boolean closed;
    private Thread timer;

    /**
     * Settings: how often the timer looks for alarms due, and the Alertmanager receiver's bearer token (null: off) and
     * the label that names an alarm.
     */
    public record Settings(Duration tick, String alertmanagerToken, String alertmanagerAlarmLabel) {
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(1), null, "alertname");
        }

        public Settings withAlertmanagerToken(String token) {
            return new Settings(tick, token, alertmanagerAlarmLabel);
        }
    }

    private CloudWatchServices(Database database, String region, String accountId, Clock clock, Settings settings) {
        this.clock = clock;
        this.tick = settings.tick();
        alarms = new Alarms(new CloudWatchRepository(database), region, accountId, clock);
        api = new CloudWatchApi(alarms);
        alertmanager = new AlertmanagerWebhook(alarms, settings.alertmanagerToken(), settings.alertmanagerAlarmLabel());
    }

    /** Migrates CloudWatch's tables (after the store's) and assembles the services; the timer is not started. */
    public static CloudWatchServices open(Database database, String region, String accountId, Clock clock, Settings settings) {
        CloudWatchSchema.migrate(database);
        return new CloudWatchServices(database, region, accountId, clock, settings);
    }

    /** Starts re-evaluating alarms on the timer (a virtual thread); returns this. */
    public synchronized CloudWatchServices start() {
        if (timer == null) {
            timer = Thread.ofVirtual().name("conveyor-alarm-timer").start(this::timerLoop);
        }
        return this;
    }

    private void timerLoop() {
        Instant nextPrune = clock.instant();
        while (!closed) {
            try {
                alarms.evaluateDue();
                if (!clock.instant().isBefore(nextPrune)) {
                    alarms.pruneData();
                    nextPrune = clock.instant().plus(PRUNE_INTERVAL);
                }
            } catch (RuntimeException e) {
                LOG.warn("alarm evaluation failed; trying again in {}", tick, e);
            }
            try {
                Thread.sleep(tick);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The alarms: operations, evaluation, and the read side ({@link dev.conveyor.model.alarms.AlarmStates}) for rules and deployments. */
    public Alarms alarms() {
        return alarms;
    }

    public CloudWatchApi api() {
        return api;
    }

    public AlertmanagerWebhook alertmanager() {
        return alertmanager;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (timer != null) {
            timer.interrupt();
            try {
                timer.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            timer = null;
        }
    }
}
