package dev.conveyor.functions.runtime;

import dev.conveyor.functions.errors.TooManyRequestsException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running instances of every function: warm ones are reused (the most recently used first, as Lambda tends to),
 * new ones started while the function's and the server's concurrency allow, idle ones stopped after
 * {@link RuntimeSettings#idleTimeout()}. An instance serves one invocation at a time, so concurrency is the number of
 * instances busy. A synchronous invocation over the limit fails with {@link TooManyRequestsException}; an asynchronous
 * one waits for capacity.
 */
public final class InstancePool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InstancePool.class);

    private final Launcher launcher;
    private final Path logsDir;
    private final String region;
    private final RuntimeSettings settings;
    private final Clock clock;
    private final Map<String, Deque<FunctionInstance>> idle = new HashMap<>();
    private final Map<String, Integer> busy = new HashMap<>();
    /** The revision each function was last invoked at; gone after an eviction, so busy instances of it stop when released. */
    private final Map<String, String> currentRevision = new HashMap<>();
    private int busyTotal;
    private boolean closed;
    /** Variables every new instance gets before the function's own, e.g. the server's endpoint (AWS_ENDPOINT_URL). */
    private volatile Map<String, String> serviceEnvironment = Map.of();
    private final Thread reaper;

    public InstancePool(Launcher launcher, Path logsDir, String region, RuntimeSettings settings, Clock clock) {
        this.launcher = launcher;
        this.logsDir = logsDir;
        this.region = region;
        this.settings = settings;
        this.clock = clock;
        this.reaper = Thread.ofVirtual().name("conveyor-functions-reaper").start(this::reapLoop);
    }

    /** Sets the variables instances started from now on get before the function's own (not reserved ones). */
    public void serviceEnvironment(Map<String, String> variables) {
        this.serviceEnvironment = Map.copyOf(variables);
    }

    /**
     * Runs one invocation on a warm or new instance of {@code spec}. With {@code waitForCapacity} false, fails at once
     * when the concurrency limits are reached; with it true, waits until an instance is free.
     */
    public InvocationResult invoke(FunctionSpec spec, String requestId, byte[] payload, boolean waitForCapacity) throws InterruptedException {
        FunctionInstance instance = acquire(spec, waitForCapacity);
        try {
            return instance.invoke(requestId, payload);
        } finally {
            release(instance);
        }
    }

    /** The pids of the function's idle instances (for tests and tools). */
    public synchronized List<Long> idlePids(String functionName) {
        return idle.getOrDefault(functionName, new ArrayDeque<>()).stream().map(FunctionInstance::pid).toList();
    }

    /** Stops the idle instances of a function (after its code or configuration changed, or it was deleted). */
    public void evict(String functionName) {
        List<FunctionInstance> stopped;
        synchronized (this) {
            currentRevision.remove(functionName);
            Deque<FunctionInstance> instances = idle.remove(functionName);
            stopped = instances == null ? List.of() : new ArrayList<>(instances);
        }
        stopped.forEach(FunctionInstance::close);
    }

    private FunctionInstance acquire(FunctionSpec spec, boolean waitForCapacity) throws InterruptedException {
        List<FunctionInstance> stale = new ArrayList<>();
        try {
            synchronized (this) {
                while (true) {
                    if (closed) {
                        throw new IllegalStateException("the function runtime is stopping");
                    }
                    currentRevision.put(spec.name(), spec.revisionId());
                    Deque<FunctionInstance> instances = idle.computeIfAbsent(spec.name(), n -> new ArrayDeque<>());
                    FunctionInstance warm;
                    while ((warm = instances.pollFirst()) != null) {
                        if (warm.alive() && warm.spec().revisionId().equals(spec.revisionId())) {
                            markBusy(spec.name());
                            return warm;
                        }
                        stale.add(warm);
                    }
                    int functionBusy = busy.getOrDefault(spec.name(), 0);
                    boolean functionFull = functionBusy >= settings.maxConcurrencyPerFunction();
                    boolean serverFull = busyTotal >= settings.maxConcurrency();
                    if (!functionFull && !serverFull) {
                        markBusy(spec.name());
                        break;
                    }
                    if (!waitForCapacity) {
                        throw functionFull
                                ? new TooManyRequestsException("Rate Exceeded.", "ReservedFunctionConcurrentInvocationLimitExceeded")
                                : new TooManyRequestsException("Rate Exceeded.", "ConcurrentInvocationLimitExceeded");
                    }
                    wait();
                }
            }
        } finally {
            stale.forEach(FunctionInstance::close);
        }
        try {
            return new FunctionInstance(spec, launcher, logsDir.resolve(spec.name()), region, serviceEnvironment, clock);
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                unmarkBusy(spec.name());
            }
            throw e instanceof IOException io ? new UncheckedIOException("cannot start an instance of " + spec.name(), io)
                    : (RuntimeException) e;
        }
    }

    private void release(FunctionInstance instance) {
        boolean keep;
        synchronized (this) {
            unmarkBusy(instance.spec().name());
            keep = !closed && instance.alive()
                    && instance.spec().revisionId().equals(currentRevision.get(instance.spec().name()));
            if (keep) {
                idle.computeIfAbsent(instance.spec().name(), n -> new ArrayDeque<>()).addFirst(instance);
            }
        }
        if (!keep) {
            instance.close();
        }
    }

    private void markBusy(String name) {
        busy.merge(name, 1, Integer::sum);
        busyTotal++;
    }

    private void unmarkBusy(String name) {
        busy.merge(name, -1, Integer::sum);
        busyTotal--;
        notifyAll();
    }

    private void reapLoop() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(settings.reapInterval());
            } catch (InterruptedException e) {
                return;
            }
            List<FunctionInstance> expired = new ArrayList<>();
            Instant cutoff = clock.instant().minus(settings.idleTimeout());
            synchronized (this) {
                for (Deque<FunctionInstance> instances : idle.values()) {
                    instances.removeIf(instance -> {
                        boolean gone = !instance.alive() || instance.lastUsed().isBefore(cutoff);
                        if (gone) {
                            expired.add(instance);
                        }
                        return gone;
                    });
                }
            }
            for (FunctionInstance instance : expired) {
                LOG.debug("stopping idle instance {} of {}", instance.pid(), instance.spec().name());
                instance.close();
            }
        }
    }

    /** Stops every instance; invocations in progress end as their instance exits. */
    @Override
    public void close() {
        reaper.interrupt();
        List<FunctionInstance> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            idle.values().forEach(all::addAll);
            idle.clear();
            notifyAll();
        }
        all.forEach(FunctionInstance::close);
    }

    /** Limits and timings of the function runtime. */
    public record RuntimeSettings(int maxConcurrency, int maxConcurrencyPerFunction, Duration idleTimeout, Duration reapInterval) {
        public static RuntimeSettings defaults() {
            return new RuntimeSettings(32, 10, Duration.ofMinutes(10), Duration.ofSeconds(30));
        }

        public RuntimeSettings withMaxConcurrencyPerFunction(int max) {
            return new RuntimeSettings(maxConcurrency, max, idleTimeout, reapInterval);
        }
    }
}
