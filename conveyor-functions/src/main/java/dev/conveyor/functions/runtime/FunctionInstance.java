package dev.conveyor.functions.runtime;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One running process of a function, serving one invocation at a time through its own {@link RuntimeApiServer}. The
 * process's output goes to the instance's log file; each invocation's slice of it is kept as that invocation's log.
 * An instance that times out, exits or fails to initialise is dead and never used again.
 */
final class FunctionInstance implements RuntimeApiServer.Runtime, AutoCloseable {
    /** Put on the queue to release a runtime waiting on {@code /next} when the instance stops. */
    private static final Invocation STOP = new Invocation("stop", new byte[0], 0);
    /** Keep at most this much of one invocation's output (its tail). */
    private static final int MAX_LOG_BYTES = 1024 * 1024;

    private final FunctionSpec spec;
    private final Clock clock;
    private final Path instanceLog;
    private final Path invocationLogs;
    private final RuntimeApiServer api;
    private final Process process;
    private final LinkedBlockingQueue<Invocation> pending = new LinkedBlockingQueue<>();
    private volatile Invocation current;
    private volatile byte[] initError;
    private volatile boolean dead;
    private volatile Instant lastUsed;

    FunctionInstance(FunctionSpec spec, Launcher launcher, Path logsDir, String region, Clock clock) throws IOException {
        this(spec, launcher, logsDir, region, Map.of(), clock);
    }

    FunctionInstance(FunctionSpec spec, Launcher launcher, Path logsDir, String region, Map<String, String> serviceEnvironment, Clock clock)
            throws IOException {
        this.spec = spec;
        this.clock = clock;
        this.invocationLogs = logsDir;
        Files.createDirectories(logsDir);
        this.instanceLog = logsDir.resolve("instance-" + java.util.UUID.randomUUID() + ".log");
        this.api = new RuntimeApiServer(spec.arn(), this);
        ProcessBuilder builder = new ProcessBuilder(launcher.command(spec)).directory(spec.taskRoot().toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(instanceLog.toFile()));
        Map<String, String> environment = builder.environment();
        Map<String, String> inherited = new HashMap<>(environment);
        environment.clear(); // a function sees Lambda's variables and its own, not the server's (credentials, database URL…)
        for (String kept : List.of("PATH", "HOME", "LANG", "PYENV_ROOT", "PYENV_VERSION")) {
            if (inherited.containsKey(kept)) {
                environment.put(kept, inherited.get(kept));
            }
        }
        environment.put("LANG", inherited.getOrDefault("LANG", "C.UTF-8"));
        environment.put("TZ", ":UTC");
        environment.put("LAMBDA_TASK_ROOT", spec.taskRoot().toString());
        environment.put("LAMBDA_RUNTIME_DIR", launcher.runtimeDir().toString());
        environment.put("AWS_LAMBDA_RUNTIME_API", api.address());
        environment.put("_HANDLER", spec.handler() == null ? "" : spec.handler());
        environment.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + spec.runtime());
        environment.put("AWS_LAMBDA_FUNCTION_NAME", spec.name());
        environment.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(spec.memorySize()));
        environment.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        environment.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + spec.name());
        environment.put("AWS_REGION", region);
        environment.put("AWS_DEFAULT_REGION", region);
        environment.put("PYTHONUNBUFFERED", "1"); // so that a print is in the log before the response that follows it
        environment.putAll(serviceEnvironment); // where the server is (AWS_ENDPOINT_URL); the function's own variables win
        environment.putAll(spec.environment());
        try {
            process = builder.start();
        } catch (IOException e) {
            api.close();
            throw e;
        }
        lastUsed = clock.instant();
        process.onExit().thenRun(this::exited);
    }

    FunctionSpec spec() {
        return spec;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return !dead && process.isAlive();
    }

    Instant lastUsed() {
        return lastUsed;
    }

    /** Runs one invocation to its end: the function's answer, its error, a timeout (which kills this instance) or its exit. */
    InvocationResult invoke(String requestId, byte[] payload) {
        Instant start = clock.instant();
        long logStart = logSize();
        Duration timeout = Duration.ofSeconds(spec.timeoutSeconds());
        Invocation invocation = new Invocation(requestId, payload, start.plus(timeout).toEpochMilli());
        current = invocation;
        if (!alive()) {
            failCurrent(); // exited (or failed to initialise) before this invocation was handed over
        } else {
            pending.add(invocation);
        }
        byte[] body;
        String functionError = null;
        try {
            Invocation.Outcome outcome = invocation.outcome().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            body = outcome.body();
            functionError = outcome.error() ? "Unhandled" : null;
        } catch (TimeoutException e) {
            stop();
            body = RuntimeApiServer.errorDocument(DateTimeFormatter.ISO_INSTANT.format(clock.instant()) + " " + requestId
                    + " Task timed out after " + String.format("%d.00", spec.timeoutSeconds()) + " seconds", "Sandbox.Timedout");
            functionError = "Unhandled";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw new IllegalStateException("interrupted while invoking " + spec.name(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            current = null;
            lastUsed = clock.instant();
        }
        String log = invocationLog(requestId, start, logStart, functionError != null && !alive());
        return new InvocationResult(requestId, body, functionError, log);
    }

    @Override
    public Invocation next() throws InterruptedException {
        Invocation next = pending.take();
        return next == STOP ? null : next;
    }

    @Override
    public boolean respond(String requestId, byte[] body, boolean error) {
        Invocation invocation = current;
        if (invocation == null || !invocation.requestId().equals(requestId)) {
            return false;
        }
        return invocation.outcome().complete(new Invocation.Outcome(body, error));
    }

    @Override
    public void initError(byte[] body) {
        initError = body;
        stop(); // Lambda does not reuse an instance whose initialisation failed
    }

    private void exited() {
        dead = true;
        failCurrent();
        api.close();
    }

    /** Ends the invocation in progress, if any, with why this instance cannot answer it. */
    private void failCurrent() {
        Invocation invocation = current;
        if (invocation == null) {
            return;
        }
        byte[] init = initError;
        byte[] body = init != null ? init : RuntimeApiServer.errorDocument(
                "RequestId: " + invocation.requestId() + " Error: Runtime exited" + (process.isAlive() ? "" : " with error: exit status "
                        + process.exitValue()), "Runtime.ExitError");
        invocation.outcome().complete(new Invocation.Outcome(body, true));
    }

    /** Lambda's START/END/REPORT lines around what the function printed during the invocation, also kept in a file. */
    private String invocationLog(String requestId, Instant start, long logStart, boolean ended) {
        Duration duration = Duration.between(start, clock.instant());
        double millis = duration.toNanos() / 1_000_000.0;
        StringBuilder log = new StringBuilder();
        log.append("START RequestId: ").append(requestId).append(" Version: $LATEST\n");
        String output = readLog(logStart);
        log.append(output);
        if (!output.isEmpty() && !output.endsWith("\n")) {
            log.append('\n');
        }
        log.append("END RequestId: ").append(requestId).append('\n');
        log.append(String.format("REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB%n", requestId,
                millis, (long) Math.ceil(millis), spec.memorySize()));
        if (ended) {
            log.append("The instance ended and will not be reused.\n");
        }
        try {
            Files.writeString(invocationLogs.resolve(requestId + ".log"), log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the log of invocation " + requestId, e);
        }
        return log.toString();
    }

    private long logSize() {
        try {
            return Files.exists(instanceLog) ? Files.size(instanceLog) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private String readLog(long from) {
        try (RandomAccessFile file = new RandomAccessFile(instanceLog.toFile(), "r")) {
            long end = file.length();
            long start = Math.max(from, end - MAX_LOG_BYTES);
            byte[] bytes = new byte[(int) Math.max(0, end - start)];
            file.seek(start);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops the process (and what it started) and the Runtime API; its output stays readable until {@link #close()}. */
    void stop() {
        dead = true;
        pending.add(STOP);
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        api.close();
    }

    /** Stops the instance and forgets its output (each invocation's share of it is kept apart). */
    @Override
    public void close() {
        stop();
        try {
            Files.deleteIfExists(instanceLog);
        } catch (IOException e) {
            // the file only holds output already copied to the invocations' logs
        }
    }
}
