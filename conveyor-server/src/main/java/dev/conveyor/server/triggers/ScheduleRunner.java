package dev.conveyor.server.triggers;

import dev.conveyor.model.errors.ServiceException;
import dev.conveyor.store.source.ScheduleRepository;
import dev.conveyor.store.source.ScheduleRow;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts pipelines on their schedules, a Conveyor extension (see docs/schedules.md): a pipeline tagged
 * {@code conveyor:schedule} with a cron or rate expression (and optionally {@code conveyor:schedule-timezone}, an
 * IANA zone, UTC by default) starts at each occurrence with trigger {@code CloudWatchEvent}, as a scheduled
 * EventBridge rule starts a CodePipeline pipeline. The next fire time is stored: the start is idempotent per
 * occurrence (its client request token), and the stored time moves on with a compare-and-set, so several replicas
 * and restarts start each occurrence exactly once; occurrences missed while no server ran are caught up with a
 * single start.
 */
public final class ScheduleRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduleRunner.class);
    public static final String EXPRESSION_TAG = "conveyor:schedule";
    public static final String TIME_ZONE_TAG = "conveyor:schedule-timezone";

    private final ScheduleRepository schedules;
    private final SourceTriggers triggers;
    private final Clock clock;
    private final Duration interval;
    private final String ruleArnPrefix;
    private final Set<String> reported = new HashSet<>();
    private Thread thread;
    /** Whether this replica runs schedules now (issue 19: one replica at a time); always, by default. */
    private volatile java.util.function.BooleanSupplier runsHere = () -> true;

    public ScheduleRunner(ScheduleRepository schedules, SourceTriggers triggers, Clock clock, Duration interval, String region,
                          String accountId) {
        this.schedules = schedules;
        this.triggers = triggers;
        this.clock = clock;
        this.interval = interval;
        this.ruleArnPrefix = "arn:aws:events:" + region + ":" + accountId + ":rule/conveyor-schedule-";
    }

    /** Runs schedules only while {@code gate} says so (the replica holding the schedules' lock); returns this runner. */
    public ScheduleRunner onlyWhile(java.util.function.BooleanSupplier gate) {
        this.runsHere = gate;
        return this;
    }

    public synchronized ScheduleRunner start() {
        thread = Thread.ofVirtual().name("conveyor-schedules").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    if (runsHere.getAsBoolean()) {
                        runOnce();
                    }
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("schedules could not run: {}", e.toString());
                    try {
                        Thread.sleep(interval);
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
            }
        });
        return this;
    }

    /** Brings the stored schedules in line with the tags and fires what is due; returns how many it started. */
    public int runOnce() {
        Instant now = clock.instant();
        Map<String, ScheduleRow> stored = new HashMap<>();
        schedules.all().forEach(s -> stored.put(s.pipelineName(), s));
        int started = 0;
        for (ScheduleRepository.Declared declared : schedules.declared(EXPRESSION_TAG, TIME_ZONE_TAG)) {
            ScheduleRow row = stored.remove(declared.pipelineName());
            String zoneName = declared.timeZone() == null || declared.timeZone().isBlank() ? "UTC" : declared.timeZone().strip();
            ScheduleExpression expression;
            ZoneId zone;
            try {
                expression = ScheduleExpression.parse(declared.expression());
                zone = ZoneId.of(zoneName);
            } catch (IllegalArgumentException | DateTimeException e) {
                if (reported.add(declared.pipelineName() + "\n" + declared.expression() + "\n" + zoneName)) {
                    LOG.warn("pipeline {} has a schedule that cannot be used: {}", declared.pipelineName(), e.getMessage());
                }
                continue;
            }
            if (row == null || !row.expression().equals(declared.expression()) || !row.timeZone().equals(zoneName)) {
                schedules.put(new ScheduleRow(declared.pipelineName(), declared.expression(), zoneName, expression.next(now, zone), null, null));
                continue;
            }
            if (!row.nextFireAt().isAfter(now) && fire(row, expression, zone, now)) {
                started++;
            }
        }
        stored.keySet().forEach(schedules::delete); // tags removed (or pipelines deleted)
        return started;
    }

    private boolean fire(ScheduleRow row, ScheduleExpression expression, ZoneId zone, Instant now) {
        String id;
        try {
            id = triggers.start(new SourceTriggers.Start(row.pipelineName(), "CloudWatchEvent",
                    ruleArnPrefix + row.pipelineName() + " " + row.expression() + " at " + row.nextFireAt())
                    .idempotent("schedule-" + row.nextFireAt().toEpochMilli()));
        } catch (ServiceException e) {
            LOG.warn("schedule of pipeline {} could not start it: {}", row.pipelineName(), e.getMessage());
            id = null;
        }
        // Occurrences missed while no server ran are not started one by one: the next is the first after now.
        Instant next = expression.next(now.isAfter(row.nextFireAt()) ? now : row.nextFireAt(), zone);
        return schedules.advance(row.pipelineName(), row.nextFireAt(), next, id) && id != null;
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.interrupt();
            thread = null;
        }
    }
}
