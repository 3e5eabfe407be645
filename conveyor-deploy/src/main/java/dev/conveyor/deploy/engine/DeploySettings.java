package dev.conveyor.deploy.engine;

import java.time.Duration;

/**
 * How deployments behave in time.
 *
 * @param agentTimeout     an agent not heard from for this long while it holds a command has failed its target
 * @param drainTimeout     how long a blocked server's open requests may take to finish before it is disabled anyway
 * @param secondsPerMinute the length of the API's "minutes" (canary and linear intervals, waits): 60, less in tests
 * @param poll             how often a running deployment looks at its commands and alarms
 */
public record DeploySettings(Duration agentTimeout, Duration drainTimeout, int secondsPerMinute, Duration poll) {
    public static DeploySettings defaults() {
        return new DeploySettings(Duration.ofSeconds(60), Duration.ofSeconds(300), 60, Duration.ofMillis(100));
    }

    public DeploySettings withSecondsPerMinute(int seconds) {
        return new DeploySettings(agentTimeout, drainTimeout, seconds, poll);
    }

    public DeploySettings withAgentTimeout(Duration timeout) {
        return new DeploySettings(timeout, drainTimeout, secondsPerMinute, poll);
    }
}
