package dev.conveyor.events.rules;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An EventBridge schedule expression: {@code rate(5 minutes)} (minute(s), hour(s), day(s)) or the six-field
 * {@code cron(minutes hours day-of-month month day-of-week year)} in UTC, read as Quartz reads it with a seconds field of 0.
 */
public final class Schedule {
    private static final CronParser QUARTZ = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));
    private static final Pattern RATE = Pattern.compile("^rate\\((\\d+) (minute|minutes|hour|hours|day|days)\\)$");
    private static final Pattern CRON = Pattern.compile("^cron\\((.+)\\)$");

    private final Duration rate;
    private final ExecutionTime cron;

    private Schedule(Duration rate, ExecutionTime cron) {
        this.rate = rate;
        this.cron = cron;
    }

    public static Schedule parse(String text) {
        Matcher r = RATE.matcher(text.strip());
        if (r.matches()) {
            long n = Long.parseLong(r.group(1));
            if (n < 1) {
                throw new ValidationException("Parameter ScheduleExpression is not valid: a rate must be at least 1.", "ScheduleExpression");
            }
            Duration unit = r.group(2).startsWith("minute") ? Duration.ofMinutes(1)
                    : r.group(2).startsWith("hour") ? Duration.ofHours(1) : Duration.ofDays(1);
            return new Schedule(unit.multipliedBy(n), null);
        }
        Matcher c = CRON.matcher(text.strip());
        if (c.matches()) {
            String[] fields = c.group(1).strip().split("\\s+");
            if (fields.length == 6) {
                try {
                    Cron cron = QUARTZ.parse("0 " + String.join(" ", fields));
                    cron.validate();
                    return new Schedule(null, ExecutionTime.forCron(cron));
                } catch (IllegalArgumentException e) {
                    throw new ValidationException("Parameter ScheduleExpression is not valid: " + e.getMessage(), "ScheduleExpression");
                }
            }
        }
        throw new ValidationException("Parameter ScheduleExpression is not valid.", "ScheduleExpression");
    }

    /** The latest occurrence at or before {@code now} and after {@code since}, or null when none fell in between. */
    public Instant latestDue(Instant since, Instant now) {
        if (rate != null) {
            long periods = Duration.between(since, now).toMillis() / rate.toMillis();
            return periods < 1 ? null : since.plus(rate.multipliedBy(periods));
        }
        Instant last = cron.lastExecution(ZonedDateTime.ofInstant(now.plusMillis(1), ZoneOffset.UTC)).map(ZonedDateTime::toInstant).orElse(null);
        return last == null || !last.isAfter(since) ? null : last;
    }
}
