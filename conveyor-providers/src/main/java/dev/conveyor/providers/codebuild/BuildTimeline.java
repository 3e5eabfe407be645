package dev.conveyor.providers.codebuild;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The phases of one build as they happen, each started and then ended with a status; every change is handed to a
 * listener (which reports progress to the server). Phases are CodeBuild's: SUBMITTED, QUEUED, PROVISIONING,
 * DOWNLOAD_SOURCE, INSTALL, PRE_BUILD, BUILD, POST_BUILD, UPLOAD_ARTIFACTS, FINALIZING, and COMPLETED last.
 */
public final class BuildTimeline {
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";
    public static final String FAULT = "FAULT";
    public static final String TIMED_OUT = "TIMED_OUT";
    public static final String STOPPED = "STOPPED";

    private final Clock clock;
    private final Consumer<BuildTimeline> listener;
    private final List<PhaseRecord> phases = new ArrayList<>();

    public BuildTimeline(Clock clock, Consumer<BuildTimeline> listener) {
        this.clock = clock;
        this.listener = listener;
    }

    /** Starts a phase (ending nothing: the previous phase must have been ended). */
    public void start(String type) {
        synchronized (this) {
            phases.add(new PhaseRecord(type, null, clock.instant(), null, null, null));
        }
        listener.accept(this);
    }

    /** Ends the running phase with a status, and for a failure the code and message of its context. */
    public void end(String status, String code, String message) {
        synchronized (this) {
            PhaseRecord current = phases.getLast();
            if (current.end() != null) {
                return;
            }
            phases.set(phases.size() - 1, current.ended(status, clock.instant(), code, message));
        }
        listener.accept(this);
    }

    /** A phase that took no time and succeeded (SUBMITTED, QUEUED, and phases the buildspec does not declare). */
    public void instant(String type) {
        synchronized (this) {
            Instant now = clock.instant();
            phases.add(new PhaseRecord(type, SUCCEEDED, now, now, null, null));
        }
        listener.accept(this);
    }

    /** Adds COMPLETED, the phase that marks the end of every build. */
    public void complete() {
        synchronized (this) {
            phases.add(new PhaseRecord("COMPLETED", null, clock.instant(), null, null, null));
        }
        listener.accept(this);
    }

    public synchronized List<PhaseRecord> phases() {
        return List.copyOf(phases);
    }

    public synchronized String currentPhase() {
        return phases.isEmpty() ? "SUBMITTED" : phases.getLast().type();
    }

    /** Whether the running phase is still open (started, not ended). */
    public synchronized boolean running() {
        return !phases.isEmpty() && phases.getLast().end() == null && !phases.getLast().type().equals("COMPLETED");
    }
}
