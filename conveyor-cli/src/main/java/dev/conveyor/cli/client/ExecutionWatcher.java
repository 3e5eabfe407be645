package dev.conveyor.cli.client;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.PipelineDeclaration;

/**
 * Follows one execution until it settles, showing each stage and action as it progresses. On a terminal the
 * picture is redrawn in place (with colours); anywhere else (a pipe, a CI log, a test) each change is appended
 * as a line of its own, so the output reads as a history.
 */
final class ExecutionWatcher {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final CodePipelineClient client;
    private final String pipeline;
    private final String executionId;
    private final PrintWriter out;
    private final boolean live;
    private final Duration pollInterval;
    private final String endpointArgument;
    private final Clock clock;
    /** How the watcher waits between reads: for the next event of the execution's stream, or a plain sleep. */
    private Waiter waiter = Thread::sleep;

    /** Waits at most the given time for something to change. */
    @FunctionalInterface
    interface Waiter {
        void await(Duration max) throws InterruptedException;
    }

    /** Statuses already printed, by stage or stage/action (plain output only prints changes). */
    private final Map<String, String> printed = new HashMap<>();
    private int linesDrawn;

    ExecutionWatcher(CodePipelineClient client, String pipeline, String executionId, PrintWriter out, boolean live,
                     Duration pollInterval, String endpointArgument, Clock clock) {
        this.client = client;
        this.pipeline = pipeline;
        this.executionId = executionId;
        this.out = out;
        this.live = live;
        this.pollInterval = pollInterval;
        this.endpointArgument = endpointArgument;
        this.clock = clock;
    }

    /** Wakes on the execution's events (the poll interval is then only a fallback); returns this watcher. */
    ExecutionWatcher wakingOn(ExecutionEvents events) {
        this.waiter = events::await;
        return this;
    }

    /** Watches until the execution settles and returns how it ended. */
    ExecutionProgress watch() throws InterruptedException {
        Instant started = clock.instant();
        PipelineDeclaration declaration = Executions.declaration(client, pipeline,
                Executions.execution(client, pipeline, executionId).pipelineVersion());
        int width = Executions.nameWidth(declaration);
        while (true) {
            ExecutionProgress progress = ExecutionProgress.read(client, pipeline, executionId, declaration);
            if (live) {
                draw(frame(progress, Duration.between(started, clock.instant()), width));
            } else {
                printChanges(progress, width);
            }
            if (progress.settled()) {
                printOutcome(progress);
                return progress;
            }
            waiter.await(pollInterval);
        }
    }

    private void printChanges(ExecutionProgress progress, int width) {
        String time = LocalTime.now(clock.withZone(ZoneId.systemDefault())).format(CLOCK);
        for (ExecutionProgress.Stage stage : progress.stages()) {
            String stageLine = Stream.of(stage.status(), stage.note()).filter(Objects::nonNull).collect(Collectors.joining("  "));
            printChange(time, stage.name(), stageLine.isEmpty() ? null : stageLine, width);
            for (ExecutionProgress.Action action : stage.actions()) {
                String line = action.status() == null ? null : "%-10s  %s".formatted(action.status(), detail(stage, action)).strip();
                printChange(time, stage.name() + "/" + action.name(), line, width);
            }
        }
        out.flush();
    }

    private void printChange(String time, String name, String line, int width) {
        if (line != null && !Objects.equals(printed.put(name, line), line)) {
            out.printf("%s  %-" + width + "s  %s%n", time, name, line);
        }
    }

    /** The picture of the whole execution, one string per line. */
    private List<String> frame(ExecutionProgress progress, Duration elapsed, int width) {
        List<String> lines = new ArrayList<>();
        lines.add(Terminal.BOLD + pipeline + Terminal.RESET + "  execution " + executionId + "  "
                + coloured(progress.status().toString()) + Terminal.DIM + "  " + minutesAndSeconds(elapsed) + Terminal.RESET);
        for (ExecutionProgress.Stage stage : progress.stages()) {
            lines.add("  " + Terminal.BOLD + pad(stage.name(), width + 2) + Terminal.RESET + " " + coloured(stage.status())
                    + (stage.note() == null ? "" : "  " + Terminal.YELLOW + stage.note() + Terminal.RESET));
            for (ExecutionProgress.Action action : stage.actions()) {
                String detail = detail(stage, action);
                lines.add("    " + pad(action.name(), width) + " " + coloured(action.status())
                        + (detail.isEmpty() ? "" : "  " + Terminal.DIM + detail + Terminal.RESET));
            }
        }
        return lines;
    }

    /** What to say after an action's status: its summary, or how to answer it when it waits for approval. */
    private String detail(ExecutionProgress.Stage stage, ExecutionProgress.Action action) {
        if (action.approval() && "InProgress".equals(action.status())) {
            return "waiting for approval: " + Executions.approvalCommand("approve", pipeline, stage.name(), action.name(), endpointArgument)
                    + "  (or reject)";
        }
        return action.summary() == null ? "" : action.summary().replaceAll("\\s+", " ");
    }

    /**
     * Replaces the previous frame: back up over it, clear to the end of the screen, write the new one. Line
     * wrapping is off while drawing, so a line wider than the terminal cannot push the count off.
     */
    private void draw(List<String> lines) {
        StringBuilder s = new StringBuilder("\u001b[?7l");
        if (linesDrawn > 0) {
            s.append("\u001b[").append(linesDrawn).append("F");
        }
        s.append("\u001b[J");
        for (String line : lines) {
            s.append(line).append('\n');
        }
        s.append("\u001b[?7h");
        out.print(s);
        out.flush();
        linesDrawn = lines.size();
    }

    private void printOutcome(ExecutionProgress progress) {
        String status = progress.status().toString();
        String summary = progress.statusSummary() == null ? "" : ": " + progress.statusSummary().replaceAll("\\s+", " ");
        out.println("Execution " + executionId + " " + (live ? coloured(status) : status) + summary);
        if (!"Succeeded".equals(status)) {
            out.println("Its logs: bin/conveyor logs " + pipeline + " --execution " + executionId + endpointArgument);
        }
        out.flush();
    }

    private static String coloured(String status) {
        if (status == null) {
            return Terminal.DIM + "-" + Terminal.RESET;
        }
        String colour = switch (status) {
            case "Succeeded" -> Terminal.GREEN;
            case "InProgress", "Stopping" -> Terminal.CYAN;
            case "Failed", "Abandoned", "Stopped", "Cancelled" -> Terminal.RED;
            default -> Terminal.YELLOW;
        };
        return colour + status + Terminal.RESET;
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    private static String minutesAndSeconds(Duration d) {
        return "%d:%02d".formatted(d.toMinutes(), d.toSecondsPart());
    }
}
