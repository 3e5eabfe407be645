package dev.conveyor.audit;

import dev.conveyor.audit.api.LookupEvents;
import dev.conveyor.audit.store.AuditRepository;
import dev.conveyor.audit.store.AuditSchema;
import dev.conveyor.model.servicemodel.ServiceModel;
import dev.conveyor.store.Database;
import java.time.Clock;
import java.time.Duration;

/**
 * The audit trail assembled over a database: its tables migrated, the writer the server records calls with, and the
 * CloudTrail LookupEvents operation. Close it after the HTTP listener stops (so no call is still being recorded) and
 * before the database closes: closing writes what is queued.
 */
public final class AuditServices implements AutoCloseable {
    /** How long events are kept: CloudTrail's event history keeps 90 days. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(90);
    /** CloudTrail's model as served: LookupEvents and the shapes it uses, documentation stripped. */
    private static final String MODEL = "cloudtrail-2013-11-01.json";

    private final AuditTrail trail;
    private final LookupEvents lookupEvents;

    private AuditServices(AuditTrail trail, LookupEvents lookupEvents) {
        this.trail = trail;
        this.lookupEvents = lookupEvents;
    }

    /** Migrates the audit tables and starts the writer. */
    public static AuditServices open(Database database, IdentityResolver identities, String region, String accountId, Clock clock,
                                     Duration retention) {
        AuditSchema.migrate(database);
        AuditRepository repository = new AuditRepository(database);
        return new AuditServices(new AuditTrail(repository, identities, region, accountId, clock, retention),
                new LookupEvents(repository, retention, clock));
    }

    /** The CloudTrail service model (its target prefix and LookupEvents' shapes). */
    public static ServiceModel cloudTrailModel() {
        return ServiceModel.load(MODEL);
    }

    public AuditTrail trail() {
        return trail;
    }

    public LookupEvents lookupEvents() {
        return lookupEvents;
    }

    @Override
    public void close() {
        trail.close();
    }
}
