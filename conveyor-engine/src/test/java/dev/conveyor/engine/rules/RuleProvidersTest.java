package dev.conveyor.engine.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.model.alarms.AlarmStates;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The built-in rule providers the engine runs itself, each looked at with a given clock reading. */
class RuleProvidersTest {
    private static final Instant NOW = Instant.parse("2026-12-07T10:15:30Z"); // a Monday

    private static RuleRun run(Map<String, String> configuration, Instant started, Instant now) {
        return new RuleRun("r-1", "p", "e-1", "Deploy", "Rule", "us-east-1", configuration, List.of(), Map.of(), null, started, now);
    }

    private static RuleRun run(Map<String, String> configuration) {
        return run(configuration, NOW, NOW);
    }

    @Test
    void variableCheckComparesTheResolvedVariableWithEachOperator() {
        VariableCheckRule rule = new VariableCheckRule();
        assertThat(rule.evaluate(run(Map.of("Variable", "main", "Operator", "EQ", "Value", "main")))).isInstanceOf(RuleOutcome.Succeeded.class);
        assertThat(rule.evaluate(run(Map.of("Variable", "feature/x", "Operator", "EQ", "Value", "main")))).isInstanceOf(RuleOutcome.Failed.class);
        assertThat(rule.evaluate(run(Map.of("Variable", "feature/x", "Operator", "NE", "Value", "main")))).isInstanceOf(RuleOutcome.Succeeded.class);
        assertThat(rule.evaluate(run(Map.of("Variable", "release-2.1", "Operator", "CONTAINS", "Value", "2.1")))).isInstanceOf(RuleOutcome.Succeeded.class);
        assertThat(rule.evaluate(run(Map.of("Variable", "release-2.1", "Operator", "MATCHES", "Value", "release-\\d+\\.\\d+"))))
                .isInstanceOf(RuleOutcome.Succeeded.class);
        assertThat(rule.evaluate(run(Map.of("Variable", "hotfix-2.1", "Operator", "MATCHES", "Value", "release-.*"))))
                .isInstanceOf(RuleOutcome.Failed.class);
        assertThat(rule.evaluate(run(Map.of("Variable", "x", "Operator", "LT", "Value", "y"))))
                .isInstanceOfSatisfying(RuleOutcome.Failed.class, f -> assertThat(f.code()).isEqualTo("ConfigurationError"));
        assertThat(rule.evaluate(run(Map.of("Variable", "x", "Operator", "MATCHES", "Value", "(unclosed"))))
                .isInstanceOfSatisfying(RuleOutcome.Failed.class, f -> assertThat(f.message()).contains("not a valid regular expression"));
    }

    @Test
    void aCronWindowMatchesItsMinutesAndFindsItsNextOpening() {
        CronWindow weekdaysNineToFive = CronWindow.parse("* * 9-16 ? * MON-FRI");
        ZoneId utc = ZoneId.of("UTC");
        assertThat(weekdaysNineToFive.contains(ZonedDateTime.parse("2026-12-07T10:15:30Z"))).isTrue();
        assertThat(weekdaysNineToFive.contains(ZonedDateTime.parse("2026-12-07T17:00:00Z"))).isFalse();
        assertThat(weekdaysNineToFive.contains(ZonedDateTime.parse("2026-12-06T10:00:00Z"))).as("a Sunday").isFalse();
        assertThat(weekdaysNineToFive.nextOpening(ZonedDateTime.parse("2026-12-11T18:30:00Z").withZoneSameInstant(utc)))
                .contains(ZonedDateTime.parse("2026-12-14T09:00:00Z").withZoneSameInstant(utc));
        CronWindow lastFridayEvening = CronWindow.parse("0 0/30 18-19 ? * 6L *");
        assertThat(lastFridayEvening.contains(ZonedDateTime.parse("2026-12-25T18:30:00Z"))).isTrue();
        assertThat(lastFridayEvening.contains(ZonedDateTime.parse("2026-12-25T18:31:00Z"))).isFalse();
        assertThat(lastFridayEvening.contains(ZonedDateTime.parse("2026-12-18T18:30:00Z"))).as("not the last Friday").isFalse();
        assertThat(CronWindow.parse("* * * L * ?").contains(ZonedDateTime.parse("2027-02-28T00:00:00Z"))).isTrue();
        assertThat(CronWindow.parse("* * * ? * 2#1").contains(ZonedDateTime.parse("2026-12-07T00:00:00Z"))).as("first Monday").isTrue();
        assertThat(CronWindow.parse("* * * 15W * ?").contains(ZonedDateTime.parse("2026-11-16T00:00:00Z")))
                .as("the 15th is a Sunday: the nearest weekday is Monday the 16th").isTrue();
        assertThatThrownBy(() -> CronWindow.parse("* * *")).hasMessageContaining("6 fields");
        assertThatThrownBy(() -> CronWindow.parse("* 61 * * * ?")).hasMessageContaining("minutes");
        assertThatThrownBy(() -> CronWindow.parse("* * * ? * FUNDAY")).hasMessageContaining("day-of-week");
    }

    @Test
    void aDeploymentWindowSucceedsWhileOpenAndOtherwiseWaitsUntilItOpensInItsTimeZone() {
        DeploymentWindowRule rule = new DeploymentWindowRule();
        assertThat(rule.evaluate(run(Map.of("Cron", "* * 9-16 ? * MON-FRI")))).isInstanceOf(RuleOutcome.Succeeded.class);
        // 10:15 UTC is 19:15 in Tokyo: closed there, opens at 09:00 Tokyo the next day (00:00 UTC).
        RuleOutcome closed = rule.evaluate(run(Map.of("Cron", "* * 9-16 ? * MON-FRI", "TimeZone", "Asia/Tokyo")));
        assertThat(closed).isInstanceOfSatisfying(RuleOutcome.Waiting.class, w -> {
            assertThat(w.nextCheckAt()).as("looked at again within the hour").isEqualTo(NOW.plusSeconds(3600));
            assertThat(w.summary()).contains("2026-12-08T09:00+09:00[Asia/Tokyo]");
        });
        // Re-evaluated once the window opened, it succeeds.
        assertThat(rule.evaluate(run(Map.of("Cron", "* * 9-16 ? * MON-FRI", "TimeZone", "Asia/Tokyo"), NOW,
                Instant.parse("2026-12-08T00:00:00Z")))).isInstanceOf(RuleOutcome.Succeeded.class);
        RuleOutcome soon = rule.evaluate(run(Map.of("Cron", "* 20 10 ? * *")));
        assertThat(soon).isInstanceOfSatisfying(RuleOutcome.Waiting.class,
                w -> assertThat(w.nextCheckAt()).isEqualTo(Instant.parse("2026-12-07T10:20:00Z")));
        assertThat(rule.evaluate(run(Map.of("Cron", "nonsense")))).isInstanceOfSatisfying(RuleOutcome.Failed.class,
                f -> assertThat(f.code()).isEqualTo("ConfigurationError"));
        assertThat(rule.evaluate(run(Map.of("Cron", "* * * * * ?", "TimeZone", "Mars/Olympus")))).isInstanceOfSatisfying(
                RuleOutcome.Failed.class, f -> assertThat(f.message()).contains("Mars/Olympus"));
    }

    @Test
    void aCloudWatchAlarmRuleWatchesTheAlarmForItsWaitTime() {
        Map<String, String> states = new HashMap<>(Map.of("latency", "OK"));
        AlarmStates alarms = name -> Optional.ofNullable(states.get(name)).map(s -> new AlarmStates.AlarmState(name, s, "test", NOW));
        CloudWatchAlarmRule rule = new CloudWatchAlarmRule(alarms);
        Map<String, String> inAlarm = Map.of("AlarmName", "latency", "WaitTime", "5");
        assertThat(rule.evaluate(run(inAlarm))).as("OK is not ALARM: keep watching").isInstanceOf(RuleOutcome.Waiting.class);
        assertThat(rule.evaluate(run(inAlarm, NOW, NOW.plusSeconds(301)))).as("the wait is over").isInstanceOf(RuleOutcome.Failed.class);
        states.put("latency", "ALARM");
        assertThat(rule.evaluate(run(inAlarm, NOW, NOW.plusSeconds(60)))).isInstanceOf(RuleOutcome.Succeeded.class);
        assertThat(rule.evaluate(run(Map.of("AlarmName", "latency", "AlarmStates", "OK,INSUFFICIENT_DATA")))).isInstanceOf(RuleOutcome.Failed.class);
        assertThat(rule.evaluate(run(Map.of("AlarmName", "missing")))).isInstanceOfSatisfying(RuleOutcome.Failed.class,
                f -> assertThat(f.message()).contains("does not exist"));
        assertThat(new CloudWatchAlarmRule(null).evaluate(run(Map.of("AlarmName", "latency")))).isInstanceOfSatisfying(
                RuleOutcome.Failed.class, f -> assertThat(f.message()).contains("No CloudWatch alarms are configured"));
    }
}
