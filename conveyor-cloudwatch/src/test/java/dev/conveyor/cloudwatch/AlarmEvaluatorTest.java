package dev.conveyor.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.cloudwatch.evaluation.AlarmDefinition;
import dev.conveyor.cloudwatch.evaluation.AlarmEvaluator;
import dev.conveyor.cloudwatch.evaluation.Evaluation;
import dev.conveyor.cloudwatch.evaluation.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Threshold evaluation over periods at fixed instants: statistics, M out of N, TreatMissingData, the window's end. */
class AlarmEvaluatorTest {
    /** A period boundary: 2026-01-01T00:10:00Z. */
    private static final Instant T0 = Instant.parse("2026-01-01T00:10:00Z");

    private static AlarmDefinition alarm(String statistic, int n, int m, double threshold, String op, String missing) {
        return new AlarmDefinition(statistic, null, Duration.ofSeconds(60), n, m, threshold, op, missing);
    }

    /** A sample {@code minutesAgo} whole periods before T0's period, 10 s into it. */
    private static Sample at(int periodsBack, double value) {
        return Sample.value(T0.minusSeconds(60L * periodsBack).plusSeconds(10), value);
    }

    @Test
    void eachStatisticIsComputedOverThePeriodsSamples() {
        List<Sample> samples = List.of(at(0, 1), at(0, 5), at(0, 3), new Sample(T0.plusSeconds(20), 2, 10, 4, 6, false));
        Instant now = T0.plusSeconds(30);
        assertThat(value("SampleCount", samples, now)).isEqualTo(5.0);
        assertThat(value("Sum", samples, now)).isEqualTo(19.0);
        assertThat(value("Average", samples, now)).isEqualTo(3.8);
        assertThat(value("Minimum", samples, now)).isEqualTo(1.0);
        assertThat(value("Maximum", samples, now)).isEqualTo(6.0);
        AlarmDefinition p50 = new AlarmDefinition(null, "p50", Duration.ofSeconds(60), 1, 1, 0, "GreaterThanThreshold", "missing");
        assertThat(AlarmEvaluator.evaluate(p50, samples, now).periods().getLast().value()).as("raw samples only").isEqualTo(3.0);
        AlarmDefinition p100 = new AlarmDefinition(null, "p100", Duration.ofSeconds(60), 1, 1, 0, "GreaterThanThreshold", "missing");
        assertThat(AlarmEvaluator.evaluate(p100, samples, now).periods().getLast().value()).isEqualTo(5.0);
    }

    private static Double value(String statistic, List<Sample> samples, Instant now) {
        return AlarmEvaluator.evaluate(alarm(statistic, 1, 1, 0, "GreaterThanThreshold", "missing"), samples, now).periods().getLast().value();
    }

    @Test
    void eachComparisonOperatorDecidesOnTheThresholdItself() {
        List<Sample> three = List.of(at(0, 3));
        Instant now = T0.plusSeconds(30);
        assertThat(state(alarm("Maximum", 1, 1, 3, "GreaterThanOrEqualToThreshold", "missing"), three, now)).isEqualTo("ALARM");
        assertThat(state(alarm("Maximum", 1, 1, 3, "GreaterThanThreshold", "missing"), three, now)).isEqualTo("OK");
        assertThat(state(alarm("Maximum", 1, 1, 3, "LessThanOrEqualToThreshold", "missing"), three, now)).isEqualTo("ALARM");
        assertThat(state(alarm("Maximum", 1, 1, 3, "LessThanThreshold", "missing"), three, now)).isEqualTo("OK");
    }

    @Test
    void anAlarmNeedsDatapointsToAlarmBreachingOutOfEvaluationPeriods() {
        AlarmDefinition twoOfThree = alarm("Maximum", 3, 2, 10, "GreaterThanThreshold", "missing");
        Instant now = T0.plusSeconds(30);
        assertThat(state(twoOfThree, List.of(at(2, 11), at(1, 5), at(0, 5)), now)).isEqualTo("OK");
        assertThat(state(twoOfThree, List.of(at(2, 11), at(1, 5), at(0, 12)), now)).isEqualTo("ALARM");
        Evaluation result = AlarmEvaluator.evaluate(twoOfThree, List.of(at(2, 11), at(1, 5), at(0, 12)), now);
        assertThat(result.reason()).startsWith("Threshold Crossed: 2 out of the last 3 datapoints [12.0 (01/01/26 00:10:00), 11.0 (01/01/26 00:08:00)]")
                .contains("were greater than the threshold (10.0)", "(minimum 2 datapoints for OK -> ALARM transition)");
        assertThat(result.reasonData()).contains("\"recentDatapoints\":[11.0,5.0,12.0]", "\"period\":60", "\"statistic\":\"Maximum\"");
        assertThat(state(twoOfThree, List.of(at(3, 50), at(2, 5), at(1, 5), at(0, 50)), now)).as("a period out of the window does not count")
                .isEqualTo("OK");
    }

    @Test
    void theCurrentPeriodCountsOnceItHasDataElseTheWindowEndsWithTheLastCompleteOne() {
        AlarmDefinition one = alarm("Maximum", 1, 1, 10, "GreaterThanThreshold", "missing");
        List<Sample> previousBreached = List.of(at(1, 20));
        assertThat(state(one, previousBreached, T0.plusSeconds(5))).as("nothing yet in the current period").isEqualTo("ALARM");
        assertThat(state(one, List.of(at(1, 20), Sample.value(T0.plusSeconds(2), 1)), T0.plusSeconds(5))).isEqualTo("OK");
        assertThat(state(one, List.of(at(1, 20), Sample.value(T0.plusSeconds(40), 1)), T0.plusSeconds(5)))
                .as("a sample timestamped after now is not read yet").isEqualTo("ALARM");
    }

    @Test
    void missingDataIsTreatedAsConfigured() {
        Instant now = T0.plusSeconds(30);
        List<Sample> none = List.of();
        List<Sample> oneBreaching = List.of(at(2, 20));
        assertThat(state(alarm("Maximum", 3, 2, 10, "GreaterThanThreshold", "missing"), none, now)).isEqualTo("INSUFFICIENT_DATA");
        assertThat(AlarmEvaluator.evaluate(alarm("Maximum", 3, 2, 10, "GreaterThanThreshold", "missing"), none, now).reason())
                .isEqualTo("Insufficient Data: 3 datapoints were unknown.");
        assertThat(AlarmEvaluator.evaluate(alarm("Maximum", 3, 2, 10, "GreaterThanThreshold", "ignore"), none, now).keep()).isTrue();
        assertThat(state(alarm("Maximum", 3, 2, 10, "GreaterThanThreshold", "breaching"), none, now)).isEqualTo("ALARM");
        assertThat(state(alarm("Maximum", 3, 2, 10, "GreaterThanThreshold", "notBreaching"), none, now)).isEqualTo("OK");

        assertThat(state(alarm("Maximum", 3, 2, 10, "GreaterThanThreshold", "missing"), oneBreaching, now)).isEqualTo("OK");
        assertThat(state(alarm("Maximum", 3, 2, 10, "GreaterThanThreshold", "ignore"), oneBreaching, now)).isEqualTo("OK");
        assertThat(state(alarm("Maximum", 3, 2, 10, "GreaterThanThreshold", "breaching"), oneBreaching, now)).isEqualTo("ALARM");
        assertThat(state(alarm("Maximum", 3, 2, 10, "GreaterThanThreshold", "notBreaching"), oneBreaching, now)).isEqualTo("OK");
    }

    @Test
    void theNextTimedEvaluationIsAtThePeriodsEnd() {
        AlarmDefinition fiveMinutes = new AlarmDefinition("Sum", null, Duration.ofMinutes(5), 1, 1, 0, "GreaterThanThreshold", "missing");
        assertThat(AlarmEvaluator.nextPeriodBoundary(fiveMinutes, Instant.parse("2026-01-01T00:12:34Z")))
                .isEqualTo(Instant.parse("2026-01-01T00:15:00Z"));
        assertThat(AlarmEvaluator.nextPeriodBoundary(fiveMinutes, Instant.parse("2026-01-01T00:15:00Z")))
                .isEqualTo(Instant.parse("2026-01-01T00:20:00Z"));
    }

    private static String state(AlarmDefinition alarm, List<Sample> samples, Instant now) {
        return AlarmEvaluator.evaluate(alarm, samples, now).stateValue();
    }
}
