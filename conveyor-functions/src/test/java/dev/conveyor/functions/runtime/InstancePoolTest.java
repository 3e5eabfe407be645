package dev.conveyor.functions.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.functions.errors.TooManyRequestsException;
import dev.conveyor.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The instance pool with real processes: concurrency bounds, idle instances stopped, memory limits. */
class InstancePoolTest {
    /** Answers each event after the file it names exists, so a test decides when an invocation ends. */
    private static final String WAITING_BOOTSTRAP = """
            #!/bin/bash
            API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
            while true; do
              HEADERS="$(mktemp)"
              EVENT=$(curl -sS -LD "$HEADERS" "$API/next")
              REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
              GATE=$(echo "$EVENT" | sed -n 's/.*"gate": *"\\([^"]*\\)".*/\\1/p')
              if [ -n "$GATE" ]; then touch "$GATE.started"; while [ ! -e "$GATE" ]; do sleep 0.05; done; fi
              curl -sS -X POST "$API/$REQUEST_ID/response" -d "{\\"pid\\": $$}" > /dev/null
            done
            """;

    @TempDir
    Path dir;

    @Test
    void refusesASynchronousInvocationOverTheFunctionsConcurrencyAndQueuesAnAsynchronousOne() throws Exception {
        Path task = task("bootstrap", WAITING_BOOTSTRAP);
        var settings = new InstancePool.RuntimeSettings(8, 1, Duration.ofMinutes(10), Duration.ofMinutes(1));
        try (InstancePool pool = new InstancePool(new Launcher(dir.resolve("runtime")), dir.resolve("logs"), "us-east-1", settings,
                Clock.systemUTC()); var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            FunctionSpec spec = spec("gated", "provided.al2023", null, 30, task);
            Path gate = dir.resolve("gate");
            CompletableFuture<InvocationResult> busy = CompletableFuture.supplyAsync(() -> invoke(pool, spec, "{\"gate\": \"" + gate + "\"}",
                    false), threads);
            Await.await(() -> Files.exists(dir.resolve("gate.started")), Boolean::booleanValue, Duration.ofSeconds(20), "the first invocation");

            assertThatThrownBy(() -> pool.invoke(spec, "11111111-1111-1111-1111-111111111111", "{}".getBytes(StandardCharsets.UTF_8), false))
                    .isInstanceOf(TooManyRequestsException.class)
                    .satisfies(e -> assertThat(((TooManyRequestsException) e).reason())
                            .isEqualTo("ReservedFunctionConcurrentInvocationLimitExceeded"));
            CompletableFuture<InvocationResult> queued = CompletableFuture.supplyAsync(() -> invoke(pool, spec, "{}", true), threads);
            assertThat(queued).as("waits while the only instance is busy").isNotDone();

            Files.createFile(gate);
            assertThat(busy.get().failed()).isFalse();
            InvocationResult afterwards = queued.get();
            assertThat(afterwards.failed()).isFalse();
            assertThat(new String(afterwards.payload(), StandardCharsets.UTF_8))
                    .as("the queued invocation ran on the warm instance").isEqualTo(new String(busy.get().payload(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void stopsABusyInstanceOfAnEvictedFunctionWhenItsInvocationEnds() throws Exception {
        Path task = task("bootstrap", WAITING_BOOTSTRAP);
        try (InstancePool pool = new InstancePool(new Launcher(dir.resolve("runtime")), dir.resolve("logs"), "us-east-1",
                InstancePool.RuntimeSettings.defaults(), Clock.systemUTC()); var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            FunctionSpec spec = spec("updated", "provided", null, 30, task);
            Path gate = dir.resolve("gate");
            CompletableFuture<InvocationResult> busy = CompletableFuture.supplyAsync(() -> invoke(pool, spec, "{\"gate\": \"" + gate + "\"}",
                    false), threads);
            Await.await(() -> Files.exists(dir.resolve("gate.started")), Boolean::booleanValue, Duration.ofSeconds(20), "the invocation");
            pool.evict("updated"); // as after UpdateFunctionCode or DeleteFunction
            Files.createFile(gate);
            long pid = Long.parseLong(new String(busy.get().payload(), StandardCharsets.UTF_8).replaceAll("\\D", ""));
            assertThat(pool.idlePids("updated")).as("not kept warm").isEmpty();
            Await.await(() -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), alive -> !alive, Duration.ofSeconds(20),
                    "the evicted instance to stop");
        }
    }

    @Test
    void stopsIdleInstancesAfterTheIdleTimeout() throws Exception {
        Path task = task("bootstrap", WAITING_BOOTSTRAP);
        var settings = new InstancePool.RuntimeSettings(8, 2, Duration.ZERO, Duration.ofMillis(50));
        try (InstancePool pool = new InstancePool(new Launcher(dir.resolve("runtime")), dir.resolve("logs"), "us-east-1", settings,
                Clock.systemUTC())) {
            FunctionSpec spec = spec("idle", "provided", null, 30, task);
            InvocationResult result = invoke(pool, spec, "{}", false);
            long pid = Long.parseLong(new String(result.payload(), StandardCharsets.UTF_8).replaceAll("\\D", ""));
            Await.await(() -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), alive -> !alive, Duration.ofSeconds(20),
                    "the idle instance to stop");
            assertThat(pool.idlePids("idle")).isEmpty();
        }
    }

    @Test
    void answersAnInitialisationErrorAndDoesNotKeepTheInstance() throws Exception {
        Path task = task("app.py", "def handler(event, context):\n    return 1\n");
        try (InstancePool pool = new InstancePool(new Launcher(dir.resolve("runtime")), dir.resolve("logs"), "us-east-1",
                InstancePool.RuntimeSettings.defaults(), Clock.systemUTC())) {
            InvocationResult result = invoke(pool, spec("broken", "python3.12", "missing.handler", 30, task), "{}", false);
            assertThat(result.functionError()).isEqualTo("Unhandled");
            assertThat(new String(result.payload(), StandardCharsets.UTF_8)).contains("Runtime.ImportModuleError", "missing");
            assertThat(result.log()).contains("[ERROR] Runtime.ImportModuleError");
            assertThat(pool.idlePids("broken")).isEmpty();
        }
    }

    @Test
    void limitsAPythonFunctionsMemoryToItsMemorySize() throws Exception {
        Path task = task("app.py", """
                def handler(event, context):
                    block = bytearray(event["mb"] * 1024 * 1024)
                    return len(block)
                """);
        try (InstancePool pool = new InstancePool(new Launcher(dir.resolve("runtime")), dir.resolve("logs"), "us-east-1",
                InstancePool.RuntimeSettings.defaults(), Clock.systemUTC())) {
            FunctionSpec spec = spec("hungry", "python3.12", "app.handler", 30, task);
            assertThat(invoke(pool, spec, "{\"mb\": 16}", false).failed()).isFalse();
            InvocationResult tooMuch = invoke(pool, spec, "{\"mb\": 512}", false);
            assertThat(tooMuch.functionError()).isEqualTo("Unhandled");
            assertThat(new String(tooMuch.payload(), StandardCharsets.UTF_8)).contains("MemoryError");
        }
    }

    private static InvocationResult invoke(InstancePool pool, FunctionSpec spec, String payload, boolean wait) {
        try {
            return pool.invoke(spec, java.util.UUID.randomUUID().toString(), payload.getBytes(StandardCharsets.UTF_8), wait);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path task(String file, String content) throws Exception {
        Path task = Files.createDirectories(dir.resolve("task"));
        Path path = task.resolve(file);
        Files.writeString(path, content);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        return task;
    }

    private static FunctionSpec spec(String name, String runtime, String handler, int timeout, Path task) {
        return new FunctionSpec(name, "arn:aws:lambda:us-east-1:000000000000:function:" + name, runtime, handler, timeout, 128, Map.of(),
                "r1", task);
    }
}
