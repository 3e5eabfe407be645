package dev.conveyor.server.triggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ScheduleExpressionTest {
    private static final Instant T = Instant.parse("2026-03-02T10:15:30Z"); // a Monday

    @Test
    void cronExpressionsFireAtTheirNextOccurrenceInTheirTimeZone() {
        assertThat(ScheduleExpression.parse("0 2 * * *").next(T, ZoneId.of("UTC"))).isEqualTo(Instant.parse("2026-03-03T02:00:00Z"));
        assertThat(ScheduleExpression.parse("cron(0 2 * * *)").next(T, ZoneId.of("Europe/Paris")))
                .isEqualTo(Instant.parse("2026-03-03T01:00:00Z"));
        assertThat(ScheduleExpression.parse("*/20 * * * 1-5").next(T, ZoneId.of("UTC"))).isEqualTo(Instant.parse("2026-03-02T10:20:00Z"));
    }

    @Test
    void ratesCountFromTheGivenTime() {
        assertThat(ScheduleExpression.parse("rate(15 minutes)").next(T, ZoneId.of("UTC"))).isEqualTo(T.plusSeconds(900));
        assertThat(ScheduleExpression.parse("rate(1 day)").next(T, ZoneId.of("UTC"))).isEqualTo(T.plusSeconds(86_400));
    }

    @Test
    void anythingElseIsRefusedWithTheReason() {
        assertThatThrownBy(() -> ScheduleExpression.parse("every full moon")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("every full moon");
        assertThatThrownBy(() -> ScheduleExpression.parse("0 12 * * ? *")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScheduleExpression.parse("rate(0 minutes)")).isInstanceOf(IllegalArgumentException.class);
    }
}
