package dev.conveyor.server.ops;

import com.zaxxer.hikari.HikariDataSource;
import dev.conveyor.store.Database;
import dev.conveyor.store.EmbeddedFile;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The server's metrics in Prometheus' text format: requests per operation (rate and latency), executions and
 * actions by status, job queue depths and the oldest queued job's wait, artifact bytes, the database pool (Hikari's
 * own meters), the JVM and the process. What is counted in the database is read at most every
 * {@link #DATABASE_REFRESH} whatever the scrape rate, and is the same from every replica (the cluster's view).
 */
public final class ServerMetrics {
    static final Duration DATABASE_REFRESH = Duration.ofSeconds(5);
    /** Operations named in request metrics; others (a client inventing targets) are counted as {@code other}. */
    private static final int MAX_OPERATIONS = 400;
    private static final List<String> EXECUTION_STATUSES = List.of("InProgress", "Stopping", "Stopped", "Succeeded", "Superseded",
            "Failed", "Cancelled");
    private static final List<String> ACTION_STATUSES = List.of("InProgress", "Abandoned", "Succeeded", "Failed");
    private static final List<String> JOB_STATUSES = List.of("Queued", "Dispatched", "InProgress");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Set<String> operations = ConcurrentHashMap.newKeySet();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Database database;
    private final Clock clock;
    /** What an embedded file's gauges show before the first reading (and always on PostgreSQL, which has none). */
    private static final EmbeddedFile NO_FILE = new EmbeddedFile(0, 0, 0);

    private volatile Snapshot snapshot = new Snapshot(0, Map.of(), Map.of(), Map.of(), 0, 0, NO_FILE);

    /** What was counted in the database at {@code takenMillis}. */
    private record Snapshot(long takenMillis, Map<String, Long> executions, Map<String, Long> actions, Map<String, Long> jobs,
                            long oldestQueuedMillis, long artifactBytes, EmbeddedFile file) {
    }

    public ServerMetrics(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
        registry.config().commonTags(Tags.empty());
        if (database.dataSource() instanceof HikariDataSource hikari) {
            hikari.setMetricRegistry(registry); // hikaricp_connections_active, _idle, _pending, _acquire…
        }
        for (String status : EXECUTION_STATUSES) {
            gauge("conveyor.executions", "Pipeline executions by status", "status", status, () -> current().executions().getOrDefault(status, 0L));
        }
        for (String status : ACTION_STATUSES) {
            gauge("conveyor.actions", "Action executions by status", "status", status, () -> current().actions().getOrDefault(status, 0L));
        }
        for (String status : JOB_STATUSES) {
            gauge("conveyor.jobs", "Jobs not finished, by status (Queued: the queue's depth)", "status", status,
                    () -> current().jobs().getOrDefault(status, 0L));
        }
        Gauge.builder("conveyor.jobs.oldest.queued.wait", () -> {
                    Snapshot s = current();
                    return s.oldestQueuedMillis() == 0 ? 0 : Math.max(0, clock.millis() - s.oldestQueuedMillis()) / 1000.0;
                }).description("How long the oldest queued job has been waiting for a worker").baseUnit("seconds").register(registry);
        Gauge.builder("conveyor.artifacts.stored", () -> current().artifactBytes())
                .description("Bytes of the objects (artifacts included) of the S3 endpoint").baseUnit("bytes").register(registry);
        if (database.kind() == Database.Kind.H2) {
            Gauge.builder("conveyor.database.embedded.chunks", () -> current().file().chunks())
                    .description("Chunks of the embedded database file (H2 keeps their metadata in the heap and reads it at a start)")
                    .register(registry);
            Gauge.builder("conveyor.database.embedded.file.size", () -> current().file().sizeBytes())
                    .description("Size of the embedded database file").baseUnit("bytes").register(registry);
            Gauge.builder("conveyor.database.embedded.chunks.fill", () -> current().file().chunksFillPercent())
                    .description("Percent of the embedded database chunks' bytes still live").baseUnit("percent").register(registry);
        }
    }

    /**
     * Adds the JVM's own metrics (memory, GC, threads, classes, CPU, uptime). Apart from the constructor because
     * binding them reads the JVM's management beans for the first time, some 25 ms of a start (issue 20: start to
     * healthy): the server binds them once it listens, before its start returns.
     */
    public void bindJvmMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    private void gauge(String name, String description, String tag, String value, Supplier<Number> read) {
        Gauge.builder(name, () -> read.get().doubleValue()).description(description).tag(tag, value).register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Records one answered request of {@code operation} (e.g. {@code CodePipeline_20150709.GetPipeline}, {@code s3:GET}). */
    public void request(String operation, int status, long nanos) {
        String name = operations.contains(operation) || (operations.size() < MAX_OPERATIONS && operations.add(operation)) ? operation : "other";
        String outcome = status >= 500 ? "server_error" : status >= 400 ? "client_error" : "success";
        timers.computeIfAbsent(name + "\n" + outcome, k -> Timer.builder("conveyor.requests")
                        .description("Requests answered, by operation and outcome").tag("operation", name).tag("outcome", outcome)
                        .publishPercentileHistogram(false).publishPercentiles(0.5, 0.95, 0.99).register(registry))
                .record(Duration.ofNanos(nanos));
    }

    /** The metrics in Prometheus' text exposition format. */
    public String scrape() {
        return registry.scrape();
    }

    private Snapshot current() {
        Snapshot s = snapshot;
        long now = clock.millis();
        if (now - s.takenMillis() < DATABASE_REFRESH.toMillis()) {
            return s;
        }
        synchronized (this) {
            if (now - snapshot.takenMillis() < DATABASE_REFRESH.toMillis()) {
                return snapshot;
            }
            try {
                snapshot = database.read(c -> {
                    try (Statement st = c.createStatement()) {
                        Map<String, Long> executions = counts(st, "SELECT status, COUNT(*) FROM pipeline_execution GROUP BY status");
                        Map<String, Long> actions = counts(st, "SELECT status, COUNT(*) FROM action_execution GROUP BY status");
                        Map<String, Long> jobs = counts(st, "SELECT status, COUNT(*) FROM job WHERE status IN ('Queued', 'Dispatched', "
                                + "'InProgress') GROUP BY status");
                        long oldest;
                        try (ResultSet r = st.executeQuery("SELECT MIN(created_at) FROM job WHERE status = 'Queued'")) {
                            oldest = r.next() ? r.getLong(1) : 0;
                        }
                        long bytes;
                        try (ResultSet r = st.executeQuery("SELECT COALESCE(SUM(size), 0) FROM s3_object_version")) {
                            bytes = r.next() ? r.getLong(1) : 0;
                        }
                        EmbeddedFile file = database.kind() == Database.Kind.H2 ? EmbeddedFile.of(c) : NO_FILE;
                        return new Snapshot(now, executions, actions, jobs, oldest, bytes, file);
                    }
                });
            } catch (RuntimeException e) {
                snapshot = new Snapshot(now, s.executions(), s.actions(), s.jobs(), s.oldestQueuedMillis(), s.artifactBytes(), s.file());
            }
            return snapshot;
        }
    }

    private static Map<String, Long> counts(Statement st, String sql) throws java.sql.SQLException {
        Map<String, Long> counts = new HashMap<>();
        try (ResultSet r = st.executeQuery(sql)) {
            while (r.next()) {
                counts.put(r.getString(1), r.getLong(2));
            }
        }
        return counts;
    }
}
