package dev.conveyor.server.logs;

import dev.conveyor.engine.ExecutionQueries;
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
 * {@code GET /conveyor/v1/logs/<actionExecutionId>?offset=N}: the log of an action execution from byte N, so a
 * client can follow it by asking again from the offset it got. Headers: {@code X-Conveyor-Log-Offset} (where to
 * continue) and {@code X-Conveyor-Log-Complete} (true once the action settled and everything was sent).
 * A Conveyor extension: CodePipeline keeps logs in CloudWatch, which this server does not imitate.
 */
public final class ActionLogEndpoint {
    public static final String PREFIX = "/conveyor/v1/logs/";
    private static final int MAX_CHUNK = 1024 * 1024;

    private final ExecutionQueries queries;
    private final Path logsDir;

    public ActionLogEndpoint(ExecutionQueries queries, Path logsDir) {
        this.queries = queries;
        this.logsDir = logsDir;
    }

    public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String id = request.getRequestURI().substring(PREFIX.length());
        OptionalLong requested = LogRequests.offset(request);
        if (requested.isEmpty()) {
            LogRequests.writeError(response, 400, LogRequests.invalidOffset(request));
            return;
        }
        ActionExecutionRow action = id.matches("[0-9a-f-]{36}") ? queries.action(id) : null;
        if (action == null) {
            LogRequests.writeError(response, 404, "No action execution " + id);
            return;
        }
        long offset = requested.getAsLong();
        Path file = logsDir.resolve(action.pipelineExecutionId()).resolve(action.id() + ".log");
        boolean settled = action.status() != ActionExecutionStatus.InProgress;
        long size = Files.exists(file) ? Files.size(file) : 0;
        long from = Math.min(offset, size);
        long length = Math.min(size - from, MAX_CHUNK);
        response.setStatus(200);
        response.setContentType("text/plain; charset=utf-8");
        response.setHeader("X-Conveyor-Log-Offset", Long.toString(from + length));
        response.setHeader("X-Conveyor-Log-Complete", Boolean.toString(settled && from + length >= size));
        response.setHeader("X-Conveyor-Action-Status", action.status().name());
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
