package dev.conveyor.cloudwatch.evaluation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Evaluates a metric alarm as CloudWatch does, "M out of N": the last {@code EvaluationPeriods} periods (aligned on
 * multiples of {@code Period} since the epoch) each give one datapoint, the {@code Statistic} of the samples in it; the
 * alarm is ALARM when at least {@code DatapointsToAlarm} of them breach the threshold, else OK. The window ends with
 * the current period once it has data (so pushed data acts at once), else with the last complete period.
 *
 * <p>Periods without data follow {@code TreatMissingData}: {@code breaching} and {@code notBreaching} count them as
 * such; with {@code missing} (the default) they are left out, and when every period is missing the alarm is
 * INSUFFICIENT_DATA; with {@code ignore} they are left out too, and when every period is missing the state stays.
 */
public final class AlarmEvaluator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter REASON_TIME = DateTimeFormatter.ofPattern("dd/MM/yy HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS+0000", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private AlarmEvaluator() {
    }

    /** The first instant of the samples evaluation may read at {@code now}: the window's start when it ends in the last complete period. */
    public static Instant windowStart(AlarmDefinition alarm, Instant now) {
        long period = alarm.period().toMillis();
        long current = Math.floorDiv(now.toEpochMilli(), period) * period;
        return Instant.ofEpochMilli(current - (long) alarm.evaluationPeriods() * period);
    }

    /** When the period holding {@code now} ends: the next time a timed evaluation can see something new. */
    public static Instant nextPeriodBoundary(AlarmDefinition alarm, Instant now) {
        long period = alarm.period().toMillis();
        return Instant.ofEpochMilli((Math.floorDiv(now.toEpochMilli(), period) + 1) * period);
    }

    /** Evaluates the alarm over {@code samples} (any order; those outside the window are ignored) at {@code now}. */
    public static Evaluation evaluate(AlarmDefinition alarm, List<Sample> samples, Instant now) {
        long period = alarm.period().toMillis();
        long current = Math.floorDiv(now.toEpochMilli(), period) * period;
        boolean currentHasData = samples.stream().anyMatch(s -> inPeriod(s, current, period) && !s.at().isAfter(now));
        long last = currentHasData ? current : current - period;
        int n = alarm.evaluationPeriods();
        List<Evaluation.Period> periods = new ArrayList<>(n);
        for (long start = last - (long) (n - 1) * period; start <= last; start += period) {
            long from = start;
            List<Sample> in = samples.stream().filter(s -> inPeriod(s, from, period) && !s.at().isAfter(now)).toList();
            Double value = statistic(alarm, in);
            double count = in.stream().mapToDouble(Sample::count).sum();
            periods.add(new Evaluation.Period(Instant.ofEpochMilli(start), value, count, value != null && breaches(alarm, value)));
        }
        int breaching = 0;
        int present = 0;
        for (Evaluation.Period p : periods) {
            if (p.value() != null) {
                present++;
                breaching += p.breaching() ? 1 : 0;
            } else if ("breaching".equals(alarm.treatMissingData())) {
                breaching++;
            }
        }
        boolean missingCounts = "breaching".equals(alarm.treatMissingData()) || "notBreaching".equals(alarm.treatMissingData());
        String reasonData = reasonData(alarm, periods, Instant.ofEpochMilli(last - (long) (n - 1) * period), now);
        if (present == 0 && !missingCounts) {
            if ("ignore".equals(alarm.treatMissingData())) {
                return new Evaluation(null, null, null, true, periods);
            }
            return new Evaluation("INSUFFICIENT_DATA", "Insufficient Data: " + n + (n == 1 ? " datapoint was" : " datapoints were")
                    + " unknown.", reasonData, false, periods);
        }
        boolean alarmed = breaching >= alarm.datapointsToAlarm();
        return new Evaluation(alarmed ? "ALARM" : "OK", reason(alarm, periods, breaching, alarmed), reasonData, false, periods);
    }

    private static boolean inPeriod(Sample s, long start, long period) {
        long at = s.at().toEpochMilli();
        return at >= start && at < start + period;
    }

    /** The period's datapoint: the statistic over its samples, or null when it has none (or none that a percentile can read). */
    static Double statistic(AlarmDefinition alarm, List<Sample> samples) {
        if (alarm.percentile() != null) {
            List<Sample> raw = samples.stream().filter(Sample::raw).sorted(Comparator.comparingDouble(Sample::minimum)).toList();
            double total = raw.stream().mapToDouble(Sample::count).sum();
            if (raw.isEmpty() || total <= 0) {
                return null;
            }
            // Nearest rank: the smallest value at or below which at least p% of the samples lie.
            double rank = Math.max(Math.ceil(alarm.percentile() / 100.0 * total), 1);
            double seen = 0;
            for (Sample s : raw) {
                seen += s.count();
                if (seen >= rank) {
                    return s.minimum();
                }
            }
            return raw.getLast().minimum();
        }
        if (samples.isEmpty()) {
            return null;
        }
        double count = samples.stream().mapToDouble(Sample::count).sum();
        double sum = samples.stream().mapToDouble(Sample::sum).sum();
        return switch (alarm.statistic()) {
            case "SampleCount" -> count;
            case "Sum" -> sum;
            case "Average" -> count == 0 ? null : sum / count;
            case "Minimum" -> samples.stream().mapToDouble(Sample::minimum).min().orElseThrow();
            case "Maximum" -> samples.stream().mapToDouble(Sample::maximum).max().orElseThrow();
            default -> throw new IllegalArgumentException("statistic " + alarm.statistic());
        };
    }

    static boolean breaches(AlarmDefinition alarm, double value) {
        double t = alarm.threshold();
        return switch (alarm.comparisonOperator()) {
            case "GreaterThanOrEqualToThreshold" -> value >= t;
            case "GreaterThanThreshold" -> value > t;
            case "LessThanThreshold" -> value < t;
            case "LessThanOrEqualToThreshold" -> value <= t;
            default -> throw new IllegalArgumentException("comparison operator " + alarm.comparisonOperator());
        };
    }

    private static String reason(AlarmDefinition alarm, List<Evaluation.Period> periods, int breaching, boolean alarmed) {
        List<Evaluation.Period> shown = periods.reversed().stream().filter(p -> p.value() != null && p.breaching() == alarmed).toList();
        StringBuilder values = new StringBuilder();
        for (Evaluation.Period p : shown) {
            values.append(values.isEmpty() ? "" : ", ").append(p.value()).append(" (").append(REASON_TIME.format(p.start())).append(")");
        }
        String words = switch (alarm.comparisonOperator()) {
            case "GreaterThanOrEqualToThreshold" -> "greater than or equal to";
            case "GreaterThanThreshold" -> "greater than";
            case "LessThanThreshold" -> "less than";
            default -> "less than or equal to";
        };
        int n = periods.size();
        int counted = alarmed ? breaching : n - breaching;
        String subject = n == 1 ? "1 datapoint" : counted + " out of the last " + n + " datapoints";
        String verb = n == 1 || counted == 1 ? "was" : "were";
        return "Threshold Crossed: " + subject + " [" + values + "] " + verb + (alarmed ? " " : " not ") + words + " the threshold ("
                + alarm.threshold() + ") (minimum " + alarm.datapointsToAlarm() + " datapoint"
                + (alarm.datapointsToAlarm() == 1 ? "" : "s") + " for " + (alarmed ? "OK -> ALARM" : "ALARM -> OK") + " transition).";
    }

    private static String reasonData(AlarmDefinition alarm, List<Evaluation.Period> periods, Instant start, Instant now) {
        ObjectNode data = JSON.createObjectNode();
        data.put("version", "1.0");
        data.put("queryDate", ISO.format(now));
        data.put("startDate", ISO.format(start));
        data.put(alarm.percentile() != null ? "extendedStatistic" : "statistic", alarm.statisticName());
        data.put("period", alarm.period().toSeconds());
        ArrayNode recent = data.putArray("recentDatapoints");
        periods.stream().filter(p -> p.value() != null).forEach(p -> recent.add(p.value()));
        data.put("threshold", alarm.threshold());
        ArrayNode evaluated = data.putArray("evaluatedDatapoints");
        for (Evaluation.Period p : periods.reversed()) {
            ObjectNode point = evaluated.addObject();
            point.put("timestamp", ISO.format(p.start()));
            if (p.value() != null) {
                point.put("sampleCount", p.sampleCount());
                point.put("value", p.value());
            }
        }
        return data.toString();
    }
}
