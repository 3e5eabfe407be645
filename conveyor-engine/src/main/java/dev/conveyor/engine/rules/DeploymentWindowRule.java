package dev.conveyor.engine.rules;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * The DeploymentWindow rule: succeeds while the current minute, in {@code TimeZone} (an IANA zone id; UTC when
 * absent), is in the window {@code Cron} describes (see {@link CronWindow}); otherwise it waits and is looked at again
 * when the window next opens (or after an hour at most, so a changed clock is noticed). Its default timeout is a week:
 * a window may be days away.
 */
public final class DeploymentWindowRule implements RuleProvider {
    private static final Duration LONGEST_SLEEP = Duration.ofHours(1);

    @Override
    public String provider() {
        return "DeploymentWindow";
    }

    @Override
    public Duration defaultTimeout() {
        return Duration.ofDays(7);
    }

    @Override
    public RuleOutcome evaluate(RuleRun run) {
        String cron = run.configuration().get("Cron");
        String zoneText = run.configuration().getOrDefault("TimeZone", "UTC");
        CronWindow window;
        ZoneId zone;
        try {
            window = CronWindow.parse(cron);
        } catch (IllegalArgumentException e) {
            return RuleOutcome.configurationError("Cron '" + cron + "' is not valid: " + e.getMessage());
        }
        try {
            zone = ZoneId.of(zoneText);
        } catch (DateTimeException e) {
            return RuleOutcome.configurationError("TimeZone '" + zoneText + "' is not a known time zone");
        }
        ZonedDateTime now = run.now().atZone(zone);
        if (window.contains(now)) {
            return RuleOutcome.succeeded("The deployment window " + cron + " (" + zone + ") is open");
        }
        Optional<ZonedDateTime> opening = window.nextOpening(now);
        if (opening.isEmpty()) {
            return RuleOutcome.failed("The deployment window " + cron + " (" + zone + ") never opens");
        }
        ZonedDateTime next = opening.get();
        ZonedDateTime latest = now.plus(LONGEST_SLEEP);
        return new RuleOutcome.Waiting((next.isBefore(latest) ? next : latest).toInstant(),
                "Waiting for the deployment window " + cron + " (" + zone + ") to open at " + next, null, null, null);
    }
}
