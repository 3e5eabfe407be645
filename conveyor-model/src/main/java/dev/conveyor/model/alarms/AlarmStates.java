package dev.conveyor.model.alarms;

import java.time.Instant;
import java.util.Optional;

/**
 * Read access to CloudWatch-style alarms, for what watches them: the CloudWatchAlarm stage rule and deployments'
 * alarm-based rollback. The alarms themselves (PutMetricAlarm, SetAlarmState, metric evaluation) live in the
 * conveyor-cloudwatch module; this interface keeps the engine and the deploy module from depending on it.
 */
public interface AlarmStates {
    /** The alarm's current state, or empty when no alarm has that name. */
    Optional<AlarmState> state(String alarmName);

    /** One alarm's state as DescribeAlarms reports it. */
    record AlarmState(String alarmName, String stateValue, String stateReason, Instant stateUpdatedTimestamp) {
        /** CloudWatch's three states. */
        public static final String OK = "OK";
        public static final String ALARM = "ALARM";
        public static final String INSUFFICIENT_DATA = "INSUFFICIENT_DATA";
    }
}
