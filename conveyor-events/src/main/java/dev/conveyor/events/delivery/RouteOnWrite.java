package dev.conveyor.events.delivery;

import dev.conveyor.events.outbox.Outbox;
import dev.conveyor.events.outbox.OutboxRow;
import dev.conveyor.events.sns.SnsFanout;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
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

    private final Router router;
    private final Deliveries deliveries;
    private final Clock clock;

    RouteOnWrite(Router router, Deliveries deliveries, Clock clock) {
        this.router = router;
        this.deliveries = deliveries;
        this.clock = clock;
    }

    public static RouteOnWrite create(SnsFanout fanout, Supplier<String> publicUrl, Deliveries deliveries, Clock clock) {
        return new RouteOnWrite(new Router(fanout, publicUrl), deliveries, clock);
    }

    @Override
    public boolean route(Connection c, OutboxRow row) throws SQLException {
        List<DeliveryRow> routed;
        try {
            routed = router.route(c, row, clock.instant());
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
