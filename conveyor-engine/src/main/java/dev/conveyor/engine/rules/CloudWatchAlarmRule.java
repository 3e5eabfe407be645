package dev.conveyor.engine.rules;

import dev.conveyor.model.alarms.AlarmStates;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The CloudWatchAlarm rule: succeeds when alarm {@code AlarmName} is in one of {@code AlarmStates} (comma-separated;
 * ALARM when absent). Otherwise it keeps looking, every {@link #POLL} up to {@code WaitTime} minutes (0 when absent)
 * after it started, for the alarm to reach such a state, and fails after that. Without alarms configured on this
 * server, or without that alarm, it fails at once saying so.
 */
public final class CloudWatchAlarmRule implements RuleProvider {
    static final Duration POLL = Duration.ofSeconds(5);
    private static final Set<String> STATES = Set.of(AlarmStates.AlarmState.OK, AlarmStates.AlarmState.ALARM,
            AlarmStates.AlarmState.INSUFFICIENT_DATA);
    private final AlarmStates alarms;

    /** @param alarms the alarms this server knows, or null when it has none */
    public CloudWatchAlarmRule(AlarmStates alarms) {
        this.alarms = alarms;
    }

    @Override
    public String provider() {
        return "CloudWatchAlarm";
    }

    @Override
    public RuleOutcome evaluate(RuleRun run) {
        String name = run.configuration().get("AlarmName");
        if (alarms == null) {
            return RuleOutcome.configurationError("No CloudWatch alarms are configured on this server, so alarm '" + name
                    + "' cannot be checked");
        }
        String statesText = run.configuration().getOrDefault("AlarmStates", AlarmStates.AlarmState.ALARM);
        List<String> wanted = Arrays.stream(statesText.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String state : wanted) {
            if (!STATES.contains(state)) {
                return RuleOutcome.configurationError("AlarmStates '" + state + "' is not one of ALARM, OK, INSUFFICIENT_DATA");
            }
        }
        long waitMinutes;
        try {
            waitMinutes = Long.parseLong(run.configuration().getOrDefault("WaitTime", "0").trim());
        } catch (NumberFormatException e) {
            return RuleOutcome.configurationError("WaitTime '" + run.configuration().get("WaitTime") + "' is not a number of minutes");
        }
        Optional<AlarmStates.AlarmState> state = alarms.state(name);
        if (state.isEmpty()) {
            return RuleOutcome.configurationError("Alarm '" + name + "' does not exist");
        }
        String current = state.get().stateValue();
        if (wanted.contains(current)) {
            return RuleOutcome.succeeded("Alarm '" + name + "' is " + current);
        }
        Instant waitEnds = run.startedAt().plus(Duration.ofMinutes(waitMinutes));
        if (run.now().isBefore(waitEnds)) {
            Instant next = run.now().plus(POLL);
            return new RuleOutcome.Waiting(next.isAfter(waitEnds) ? waitEnds : next, "Alarm '" + name + "' is " + current
                    + "; waiting until " + waitEnds + " for it to be " + String.join(" or ", wanted), null, null, null);
        }
        return RuleOutcome.failed("Alarm '" + name + "' is " + current + ", not " + String.join(" or ", wanted)
                + (waitMinutes > 0 ? " after waiting " + waitMinutes + " minutes" : ""));
    }
}
