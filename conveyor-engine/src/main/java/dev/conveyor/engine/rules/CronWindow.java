package dev.conveyor.engine.rules;

import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.BitSet;
import java.util.Locale;
import java.util.Optional;

/**
 * The DeploymentWindow rule's cron syntax: six fields and an optional year, separated by white space: seconds (only
 * {@code *} or {@code 0}: a window is made of whole minutes), minutes, hours, day-of-month, month (1-12 or JAN-DEC),
 * day-of-week (1-7 or SUN-SAT, 1 is Sunday) and year. {@code * , - /} everywhere; {@code ?} in either day field;
 * {@code L}, {@code L-n} and {@code nW} in day-of-month; {@code L}, {@code nL} and {@code n#k} in day-of-week.
 * A minute is in the window when every field matches it.
 */
public final class CronWindow {
    private static final String[] MONTHS = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

    private final BitSet minutes;
    private final BitSet hours;
    private final String dayOfMonth;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final String dayOfWeek;
    private final BitSet daysOfWeek;
    private final BitSet years;

    private CronWindow(String[] f) {
        if (!f[0].equals("*") && !f[0].equals("0") && !f[0].equals("?")) {
            throw new IllegalArgumentException("the seconds field must be * (a window is made of whole minutes), not '" + f[0] + "'");
        }
        minutes = field(f[1], 0, 59, null, "minutes");
        hours = field(f[2], 0, 23, null, "hours");
        dayOfMonth = f[3].toUpperCase(Locale.ROOT);
        daysOfMonth = special(dayOfMonth) ? null : field(dayOfMonth, 1, 31, null, "day-of-month");
        months = field(f[4], 1, 12, MONTHS, "month");
        dayOfWeek = f[5].toUpperCase(Locale.ROOT);
        daysOfWeek = special(dayOfWeek) ? null : field(dayOfWeek, 1, 7, DAYS, "day-of-week");
        years = f.length > 6 ? field(f[6], 1970, 2199, null, "year") : null;
        if (special(dayOfMonth) && !dayOfMonth.matches("L(-\\d{1,2})?|\\d{1,2}W|LW")) {
            throw new IllegalArgumentException("day-of-month '" + f[3] + "' is not valid");
        }
        if (special(dayOfWeek) && !dayOfWeek.matches("L|[1-7]L|[A-Z]{3}L|[1-7]#[1-5]|[A-Z]{3}#[1-5]")) {
            throw new IllegalArgumentException("day-of-week '" + f[5] + "' is not valid");
        }
    }

    /** Parses an expression; IllegalArgumentException says what is wrong. */
    public static CronWindow parse(String expression) {
        String[] f = expression == null ? new String[0] : expression.trim().split("\\s+");
        if (f.length != 6 && f.length != 7) {
            throw new IllegalArgumentException("a cron expression has 6 fields and an optional year, not " + f.length);
        }
        return new CronWindow(f);
    }

    private static boolean special(String field) {
        return field.contains("L") || field.contains("W") || field.contains("#");
    }

    private static BitSet field(String text, int min, int max, String[] names, String what) {
        BitSet set = new BitSet(max + 1);
        for (String part : text.toUpperCase(Locale.ROOT).split(",")) {
            if (part.equals("*") || part.equals("?")) {
                set.set(min, max + 1);
                continue;
            }
            int step = 1;
            String range = part;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                step = number(part.substring(slash + 1), null, 0, what);
                range = part.substring(0, slash);
                if (step <= 0) {
                    throw new IllegalArgumentException(what + " step must be positive in '" + part + "'");
                }
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else if (range.contains("-")) {
                String[] ends = range.split("-", 2);
                from = number(ends[0], names, min, what);
                to = number(ends[1], names, min, what);
            } else {
                from = number(range, names, min, what);
                to = slash >= 0 ? max : from;
            }
            if (from < min || to > max || from > to) {
                throw new IllegalArgumentException(what + " '" + part + "' is outside " + min + "-" + max);
            }
            for (int v = from; v <= to; v += step) {
                set.set(v);
            }
        }
        return set;
    }

    private static int number(String text, String[] names, int min, String what) {
        if (names != null) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(text)) {
                    return i + min;
                }
            }
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " value '" + text + "' is not valid");
        }
    }

    /** Whether the minute holding {@code time} is in the window. */
    public boolean contains(ZonedDateTime time) {
        return minutes.get(time.getMinute()) && hours.get(time.getHour()) && dayMatches(time.toLocalDate());
    }

    private boolean dayMatches(LocalDate date) {
        if (!months.get(date.getMonthValue()) || (years != null && !years.get(date.getYear()))) {
            return false;
        }
        boolean anyDom = "?".equals(dayOfMonth) || "*".equals(dayOfMonth);
        boolean anyDow = "?".equals(dayOfWeek) || "*".equals(dayOfWeek);
        return (anyDom || domMatches(date)) && (anyDow || dowMatches(date));
    }

    private boolean domMatches(LocalDate date) {
        if (daysOfMonth != null) {
            return daysOfMonth.get(date.getDayOfMonth());
        }
        LocalDate last = date.with(TemporalAdjusters.lastDayOfMonth());
        if (dayOfMonth.equals("LW")) {
            return date.equals(nearestWeekday(last, last.getDayOfMonth()));
        }
        if (dayOfMonth.startsWith("L")) {
            int offset = dayOfMonth.length() > 1 ? Integer.parseInt(dayOfMonth.substring(2)) : 0;
            return date.getDayOfMonth() == last.getDayOfMonth() - offset;
        }
        int day = Integer.parseInt(dayOfMonth.substring(0, dayOfMonth.length() - 1));
        return day <= last.getDayOfMonth() && date.equals(nearestWeekday(date.withDayOfMonth(day), last.getDayOfMonth()));
    }

    private static LocalDate nearestWeekday(LocalDate day, int lastDay) {
        return switch (day.getDayOfWeek()) {
            case SATURDAY -> day.getDayOfMonth() == 1 ? day.plusDays(2) : day.minusDays(1);
            case SUNDAY -> day.getDayOfMonth() == lastDay ? day.minusDays(2) : day.plusDays(1);
            default -> day;
        };
    }

    private boolean dowMatches(LocalDate date) {
        int quartzDay = date.getDayOfWeek().getValue() % 7 + 1; // SUN=1 … SAT=7
        if (daysOfWeek != null) {
            return daysOfWeek.get(quartzDay);
        }
        if (dayOfWeek.equals("L")) {
            return quartzDay == 7;
        }
        if (dayOfWeek.endsWith("L")) {
            int wanted = number(dayOfWeek.substring(0, dayOfWeek.length() - 1), DAYS, 1, "day-of-week");
            return quartzDay == wanted && date.plusWeeks(1).getMonth() != date.getMonth();
        }
        String[] parts = dayOfWeek.split("#");
        int wanted = number(parts[0], DAYS, 1, "day-of-week");
        int nth = Integer.parseInt(parts[1]);
        return quartzDay == wanted && (date.getDayOfMonth() - 1) / 7 + 1 == nth;
    }

    /** The start of the first minute at or after {@code from} that is in the window, within about five years. */
    public Optional<ZonedDateTime> nextOpening(ZonedDateTime from) {
        ZonedDateTime t = from.truncatedTo(ChronoUnit.MINUTES);
        if (t.isBefore(from)) {
            t = t.plusMinutes(1);
        }
        ZonedDateTime limit = from.plusYears(5);
        while (t.isBefore(limit)) {
            if (!dayMatches(t.toLocalDate())) {
                t = t.toLocalDate().plusDays(1).atStartOfDay(t.getZone());
            } else if (!hours.get(t.getHour())) {
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
            } else if (!minutes.get(t.getMinute())) {
                t = t.plusMinutes(1);
            } else {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
