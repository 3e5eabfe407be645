package dev.conveyor.engine;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the engine runs.
 *
 * @param dataDir          where action logs and workspaces live
 * @param region           the region in ARNs handed to workers
 * @param accountId        the account in ARNs handed to workers
 * @param approvalTimeout  how long a manual approval waits before it fails (CodePipeline: 7 days)
 * @param leaseDuration    how long a worker may go without reporting before its job is offered again
 * @param sweepInterval    how often timers (timeouts, expired leases, stuck executions) are checked
 * @param maxDispatches    how many times one job is handed out before a vanished worker fails the action
 * @param timeouts         default action timeouts by category and provider
 * @param acknowledgeTimeout how long a job handed out by PollForJobs or PollForThirdPartyJobs waits for its
 *                         AcknowledgeJob before it is offered again with a new nonce
 * @param alarmStates      the alarms CloudWatchAlarm rules watch, or null when this server has none (those rules
 *                         then fail saying so)
 */
public record EngineConfig(Path dataDir, String region, String accountId, Duration approvalTimeout,
                           Duration leaseDuration, Duration sweepInterval, int maxDispatches, ActionTimeouts timeouts,
                           Duration acknowledgeTimeout, dev.conveyor.model.alarms.AlarmStates alarmStates) {
    /** The default of {@link #acknowledgeTimeout}: ample for a worker that acknowledges what it polled at once. */
    public static final Duration DEFAULT_ACKNOWLEDGE_TIMEOUT = Duration.ofSeconds(60);

    public static EngineConfig defaults(Path dataDir, String region, String accountId) {
        return new EngineConfig(dataDir, region, accountId, Duration.ofDays(7), Duration.ofSeconds(30),
                Duration.ofSeconds(1), 3, ActionTimeouts.codePipelineDefaults(), DEFAULT_ACKNOWLEDGE_TIMEOUT, null);
    }

    public String pipelineArn(String pipelineName) {
        return "arn:aws:codepipeline:" + region + ":" + accountId + ":" + pipelineName;
    }

    public EngineConfig withApprovalTimeout(Duration timeout) {
        return new EngineConfig(dataDir, region, accountId, timeout, leaseDuration, sweepInterval, maxDispatches, timeouts, acknowledgeTimeout, alarmStates);
    }

    public EngineConfig withLeaseDuration(Duration lease) {
        return new EngineConfig(dataDir, region, accountId, approvalTimeout, lease, sweepInterval, maxDispatches, timeouts, acknowledgeTimeout, alarmStates);
    }

    public EngineConfig withSweepInterval(Duration interval) {
        return new EngineConfig(dataDir, region, accountId, approvalTimeout, leaseDuration, interval, maxDispatches, timeouts, acknowledgeTimeout, alarmStates);
    }

    public EngineConfig withTimeouts(ActionTimeouts newTimeouts) {
        return new EngineConfig(dataDir, region, accountId, approvalTimeout, leaseDuration, sweepInterval, maxDispatches, newTimeouts, acknowledgeTimeout, alarmStates);
    }

    public EngineConfig withAcknowledgeTimeout(Duration timeout) {
        return new EngineConfig(dataDir, region, accountId, approvalTimeout, leaseDuration, sweepInterval, maxDispatches, timeouts, timeout, alarmStates);
    }

    public EngineConfig withAlarmStates(dev.conveyor.model.alarms.AlarmStates alarms) {
        return new EngineConfig(dataDir, region, accountId, approvalTimeout, leaseDuration, sweepInterval, maxDispatches, timeouts,
                acknowledgeTimeout, alarms);
    }

    public Path logsDir() {
        return dataDir.resolve("logs");
    }

    public Path workspacesDir() {
        return dataDir.resolve("workspaces");
    }
}
