package dev.conveyor.cli.client;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.ActionExecutionDetail;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;

/**
 * Prints the logs of an execution's actions, each line prefixed by its stage and action, either as they are now or
 * following them: new output of running actions and the logs of actions that start later, until the execution
 * settles. Lines are printed whole (a log read in the middle of a line keeps the rest for the next read), so the
 * output of actions running side by side interleaves by line, never within one.
 */
final class LogFollower {
    private final CodePipelineClient client;
    private final ActionLogs logs;
    private final String pipeline;
    private final String executionId;
    private final Predicate<ActionExecutionDetail> selected;
    private final PrintWriter out;
    private final int prefixWidth;
    /** Waits for the execution's next event (or a plain sleep without a stream). */
    private ExecutionWatcher.Waiter waiter = Thread::sleep;

    /** The logs found so far, by action execution id, in the order the actions started. */
    private final Map<String, ActionLog> found = new LinkedHashMap<>();
    /** How many runs of each stage/action were found, so that a retry's lines say which run they come from. */
    private final Map<String, Integer> runs = new HashMap<>();

    LogFollower(CodePipelineClient client, ActionLogs logs, String pipeline, String executionId,
                Predicate<ActionExecutionDetail> selected, PrintWriter out, int prefixWidth) {
        this.client = client;
        this.logs = logs;
        this.pipeline = pipeline;
        this.executionId = executionId;
        this.selected = selected;
        this.out = out;
        this.prefixWidth = prefixWidth;
    }

    /**
     * Wakes on the execution's events: new actions and the settling are seen as they happen; while an action's log is
     * still open its bytes are read every poll interval (the log endpoint has no stream).
     */
    LogFollower wakingOn(ExecutionEvents events) {
        this.waiter = events::await;
        return this;
    }

    /** One action execution's log, as far as it was read. */
    private static final class ActionLog {
        final String id;
        final String prefix;
        final ByteArrayOutputStream partialLine = new ByteArrayOutputStream();
        long offset;
        boolean complete;

        ActionLog(String id, String prefix) {
            this.id = id;
            this.prefix = prefix;
        }
    }

    /** Prints everything the selected actions logged so far; returns how many action runs there were. */
    int printAvailable() throws InterruptedException {
        discover();
        for (ActionLog log : found.values()) {
            readAvailable(log);
            endPartialLine(log);
        }
        out.flush();
        return found.size();
    }

    /**
     * Prints the logs as they grow until the execution settles and every log is complete, then returns how the
     * execution ended. {@code grace} bounds the wait for logs to complete after the execution settled, so an action
     * whose log never completes cannot hold the command forever.
     */
    PipelineExecutionStatus follow(Duration pollInterval, Duration grace) throws InterruptedException {
        long settledAt = 0;
        while (true) {
            // Read the execution before its actions: once it is settled, the actions listed next are all there are.
            PipelineExecutionStatus status = Executions.execution(client, pipeline, executionId).status();
            discover();
            boolean progressed = false;
            for (ActionLog log : found.values()) {
                if (!log.complete) {
                    progressed |= readAvailable(log);
                }
            }
            out.flush();
            if (Executions.isSettled(status)) {
                boolean allComplete = found.values().stream().allMatch(l -> l.complete);
                settledAt = settledAt == 0 ? System.nanoTime() : settledAt;
                if (allComplete || System.nanoTime() - settledAt > grace.toNanos()) {
                    found.values().forEach(this::endPartialLine);
                    out.flush();
                    return status;
                }
            }
            if (!progressed) {
                boolean logsOpen = found.values().stream().anyMatch(l -> !l.complete);
                waiter.await(logsOpen ? pollInterval : RunCommand.FALLBACK_INTERVAL);
            }
        }
    }

    private void discover() {
        for (ActionExecutionDetail detail : Executions.actions(client, pipeline, executionId)) {
            if (selected.test(detail) && !found.containsKey(detail.actionExecutionId())) {
                String name = detail.stageName() + "/" + detail.actionName();
                int run = runs.merge(name, 1, Integer::sum);
                found.put(detail.actionExecutionId(), new ActionLog(detail.actionExecutionId(), run == 1 ? name : name + "#" + run));
            }
        }
    }

    /** Reads and prints what the log has beyond the offset; true when there was anything. */
    private boolean readAvailable(ActionLog log) throws InterruptedException {
        boolean any = false;
        while (true) {
            ActionLogs.Chunk chunk = logs.read(log.id, log.offset);
            print(log, chunk.bytes());
            any |= chunk.bytes().length > 0;
            log.offset = chunk.nextOffset();
            if (chunk.complete()) {
                log.complete = true;
                endPartialLine(log);
                return any;
            }
            if (chunk.bytes().length == 0) {
                return any;
            }
        }
    }

    private void print(ActionLog log, byte[] bytes) {
        for (byte b : bytes) {
            if (b == '\n') {
                printLine(log);
            } else {
                log.partialLine.write(b);
            }
        }
    }

    /** A log that ends without a newline still gets its last line printed, once nothing more will come. */
    private void endPartialLine(ActionLog log) {
        if (log.partialLine.size() > 0) {
            printLine(log);
        }
    }

    private void printLine(ActionLog log) {
        String line = log.partialLine.toString(StandardCharsets.UTF_8);
        log.partialLine.reset();
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        out.printf("%-" + prefixWidth + "s | %s%n", log.prefix, line);
    }
}
