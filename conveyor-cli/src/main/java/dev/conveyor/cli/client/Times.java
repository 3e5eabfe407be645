package dev.conveyor.cli.client;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** Timestamps as a person reads them: the local time of day when it is today, else date and time. */
final class Times {
    private static final DateTimeFormatter TODAY = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter EARLIER = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private Times() {
    }

    static String local(Instant instant) {
        if (instant == null) {
            return "";
        }
        ZonedDateTime at = instant.atZone(ZoneId.systemDefault());
        return at.toLocalDate().equals(LocalDate.now(ZoneId.systemDefault())) ? at.format(TODAY) : at.format(EARLIER);
    }
}
