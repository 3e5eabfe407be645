package dev.conveyor.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A UTC clock a test moves by hand, so that what waits for time (expiries, timeouts, schedules, alarms' periods) is
 * tested without sleeping: either standing still at a given instant ({@link #at}), or running with the wall clock
 * plus an offset ({@link #runningFromNow}) for servers whose other threads also need time to pass.
 */
public final class MovableClock extends Clock {
    private final Instant base;
    private volatile Duration offset = Duration.ZERO;

    private MovableClock(Instant base) {
        this.base = base;
    }

    /** A clock that stands at {@code start} until moved. */
    public static MovableClock at(Instant start) {
        return new MovableClock(start);
    }

    /** A clock that runs with the wall clock, ahead of it by what it was moved. */
    public static MovableClock runningFromNow() {
        return new MovableClock(null);
    }

    /** Moves the clock forward (or back, with a negative duration). */
    public synchronized void advance(Duration by) {
        offset = offset.plus(by);
    }

    /** Sets how far the clock is from its start (the wall clock, for a running one). */
    public void setOffset(Duration offset) {
        this.offset = offset;
    }

    @Override
    public Instant instant() {
        return (base == null ? Instant.now() : base).plus(offset);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
