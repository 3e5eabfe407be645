package dev.conveyor.server.logs;

import dev.conveyor.engine.ConditionQueries;
import dev.conveyor.engine.ExecutionQueries;
import dev.conveyor.engine.rules.RuleExecutionRow;
import dev.conveyor.model.execution.ActionExecutionStatus;
import dev.conveyor.store.execution.ActionExecutionRow;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * {@code GET /conveyor/v1/logs/<actionExecutionId>?offset=N}: the log of an action execution (or of a rule execution
 * that ran as a job: a Commands or LambdaInvoke rule, by its rule execution id) from byte N, so a
 * client can follow it by asking again from the offset it got. Headers: {@code X-Conveyor-Log-Offset} (where to
 * continue) and {@code X-Conveyor-Log-Complete} (true once the action settled and everything was sent).
 * A Conveyor extension: CodePipeline keeps logs in CloudWatch, which this server does not imitate.
 */
public final class ActionLogEndpoint {
    public static final String PREFIX = "/conveyor/v1/logs/";
    private static final int MAX_CHUNK = 1024 * 1024;

    private final ExecutionQueries queries;
    private final ConditionQueries conditions;
    private final Path logsDir;

    /** @param conditions where the logs of rules that run as jobs (Commands, LambdaInvoke) are found by rule execution id */
    public ActionLogEndpoint(ExecutionQueries queries, ConditionQueries conditions, Path logsDir) {
        this.queries = queries;
        this.conditions = conditions;
        this.logsDir = logsDir;
    }

    public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String id = request.getRequestURI().substring(PREFIX.length());
        OptionalLong requested = LogRequests.offset(request);
        if (requested.isEmpty()) {
            LogRequests.writeError(response, 400, LogRequests.invalidOffset(request));
            return;
        }
        boolean wellFormed = id.matches("[0-9a-f-]{36}");
        ActionExecutionRow action = wellFormed ? queries.action(id) : null;
        RuleExecutionRow rule = action == null && wellFormed ? conditions.rule(id).orElse(null) : null;
        if (action == null && rule == null) {
            LogRequests.writeError(response, 404, "No action execution " + id);
            return;
        }
        long offset = requested.getAsLong();
        String executionId = action != null ? action.pipelineExecutionId() : rule.pipelineExecutionId();
        Path file = logsDir.resolve(executionId).resolve(id + ".log");
        boolean settled = action != null ? action.status() != ActionExecutionStatus.InProgress : rule.settled();
        String status = action != null ? action.status().name() : rule.status();
        long size = Files.exists(file) ? Files.size(file) : 0;
        long from = Math.min(offset, size);
        long length = Math.min(size - from, MAX_CHUNK);
        response.setStatus(200);
        response.setContentType("text/plain; charset=utf-8");
        response.setHeader("X-Conveyor-Log-Offset", Long.toString(from + length));
        response.setHeader("X-Conveyor-Log-Complete", Boolean.toString(settled && from + length >= size));
        response.setHeader("X-Conveyor-Action-Status", status);
        response.setContentLengthLong(length);
        if (length > 0) {
            try (SeekableByteChannel channel = Files.newByteChannel(file); OutputStream out = response.getOutputStream()) {
                channel.position(from);
                InputStream in = Channels.newInputStream(channel);
                in.transferTo(new BoundedOutput(out, length));
            }
        }
    }

    /** Writes at most {@code limit} bytes, so a log still growing is cut at the length announced. */
    private static final class BoundedOutput extends OutputStream {
        private final OutputStream out;
        private long left;

        BoundedOutput(OutputStream out, long limit) {
            this.out = out;
            this.left = limit;
        }

        @Override
        public void write(int b) throws IOException {
            if (left > 0) {
                out.write(b);
                left--;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int n = (int) Math.min(len, left);
            if (n > 0) {
                out.write(b, off, n);
                left -= n;
            }
        }
    }
}
