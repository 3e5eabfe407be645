package dev.conveyor.events.delivery;

import dev.conveyor.events.outbox.Outbox;
import dev.conveyor.events.outbox.OutboxRow;
import dev.conveyor.events.sns.SnsFanout;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each outbox row in the transaction that writes it, with the dispatcher's {@link Router}: the row's deliveries
 * commit with the change they report, or neither does. An event no rule, notification rule or subscription receives
 * (most of an execution's transitions on a server without notifications) then costs the writer two or three reads and
 * the dispatcher nothing. A row the router fails on (a Java error, not the database's) is left to the dispatcher, whose
 * round logs it, rather than failing the change that wrote it: an execution must not stop over a notification.
 */
public final class RouteOnWrite implements Outbox.Routing {
    private static final Logger LOG = LoggerFactory.getLogger(RouteOnWrite.class);

    /**
     * How long one connection's rules are reused. A connection is borrowed for one transaction (a new proxy each
     * time), so the rules are read once per transaction; the bound keeps a borrow that runs several transactions
     * from routing by rules older than this.
     */
    static final Duration SNAPSHOT_LIFETIME = Duration.ofMillis(100);

    private record Held(Router.Snapshot rules, long madeAt) {
    }

    private final Router router;
    private final Deliveries deliveries;
    private final Clock clock;
    /** Per borrowed connection (weakly: a returned proxy is dropped), the rules its transaction routes by. */
    private final Map<Connection, Held> snapshots = Collections.synchronizedMap(new WeakHashMap<>());

    RouteOnWrite(Router router, Deliveries deliveries, Clock clock) {
        this.router = router;
        this.deliveries = deliveries;
        this.clock = clock;
    }

    public static RouteOnWrite create(SnsFanout fanout, Supplier<String> publicUrl, Deliveries deliveries, Clock clock) {
        return new RouteOnWrite(new Router(fanout, publicUrl), deliveries, clock);
    }

    private Router.Snapshot rulesOf(Connection c) {
        long now = System.nanoTime();
        Held held = snapshots.get(c);
        if (held == null || now - held.madeAt() > SNAPSHOT_LIFETIME.toNanos()) {
            held = new Held(router.snapshot(), now);
            snapshots.put(c, held);
        }
        return held.rules();
    }

    @Override
    public boolean route(Connection c, OutboxRow row) throws SQLException {
        List<DeliveryRow> routed;
        try {
            routed = router.route(c, row, clock.instant(), rulesOf(c));
        } catch (RuntimeException e) {
            LOG.warn("event {} left to the dispatcher: routing it where it was written failed: {}", row.eventId(), e.toString());
            return false;
        }
        for (DeliveryRow d : routed) {
            deliveries.add(c, d);
        }
        return true;
    }
}
