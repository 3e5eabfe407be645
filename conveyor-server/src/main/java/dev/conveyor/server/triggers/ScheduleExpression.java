package dev.conveyor.server.triggers;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A schedule's expression: a five-field Unix cron expression ({@code 0 2 * * 1-5}: minute, hour, day of month,
 * month, day of week), optionally written as EventBridge does ({@code cron(0 2 * * 1-5)}), or a rate
 * ({@code rate(15 minutes)}, {@code rate(1 hour)}, {@code rate(2 days)}).
 */
public final class ScheduleExpression {
    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final Pattern RATE = Pattern.compile("^rate\\(\\s*(\\d+)\\s+(minute|minutes|hour|hours|day|days)\\s*\\)$");
    private static final Pattern CRON = Pattern.compile("^cron\\((.*)\\)$");

    private final String text;
    private final ExecutionTime cron;
    private final Duration rate;

    private ScheduleExpression(String text, ExecutionTime cron, Duration rate) {
        this.text = text;
        this.cron = cron;
        this.rate = rate;
    }

    /** Parses an expression; IllegalArgumentException says what is wrong with it. */
    public static ScheduleExpression parse(String raw) {
        String text = raw == null ? "" : raw.strip();
        Matcher rate = RATE.matcher(text.toLowerCase(Locale.ROOT));
        if (rate.matches()) {
            long amount = Long.parseLong(rate.group(1));
            if (amount < 1) {
                throw new IllegalArgumentException("a rate must be at least 1");
            }
            Duration unit = rate.group(2).startsWith("minute") ? Duration.ofMinutes(1)
                    : rate.group(2).startsWith("hour") ? Duration.ofHours(1) : Duration.ofDays(1);
            return new ScheduleExpression(text, null, unit.multipliedBy(amount));
        }
        Matcher wrapped = CRON.matcher(text);
        String fields = wrapped.matches() ? wrapped.group(1).strip() : text;
        try {
            Cron cron = UNIX.parse(fields);
            cron.validate();
            return new ScheduleExpression(text, ExecutionTime.forCron(cron), null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + raw + "' is neither a five-field cron expression nor a rate(…): " + e.getMessage(), e);
        }
    }

    /** The first occurrence strictly after {@code after}, in {@code zone} (which matters to cron only). */
    public Instant next(Instant after, ZoneId zone) {
        if (rate != null) {
            return after.plus(rate);
        }
        return cron.nextExecution(ZonedDateTime.ofInstant(after, zone)).map(ZonedDateTime::toInstant)
                .orElseThrow(() -> new IllegalArgumentException("'" + text + "' never fires again"));
    }

    @Override
    public String toString() {
        return text;
    }
}
