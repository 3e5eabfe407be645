package dev.conveyor.cloudwatch.store;

import java.time.Instant;

/**
 * A metric alarm as stored: its configuration (the normalized PutMetricAlarm input, JSON), its metric for lookups
 * (namespace, name and canonical dimensions), its state and when it is next evaluated on the timer.
 */
public record AlarmRow(String name, String definition, String namespace, String metricName, String dimensions, String stateValue,
                       String stateReason, String stateReasonData, Instant stateUpdated, Instant stateTransitioned,
                       Instant configurationUpdated, Instant nextEvaluation) {
    public AlarmRow withState(String value, String reason, String reasonData, Instant updated, boolean transitioned) {
        return new AlarmRow(name, definition, namespace, metricName, dimensions, value, reason, reasonData, updated,
                transitioned ? updated : stateTransitioned, configurationUpdated, nextEvaluation);
    }
}
