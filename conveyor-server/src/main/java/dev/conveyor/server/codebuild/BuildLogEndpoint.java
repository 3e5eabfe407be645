package dev.conveyor.server.codebuild;

import dev.conveyor.engine.ExecutionQueries;
import dev.conveyor.store.codebuild.BuildRow;
import dev.conveyor.store.execution.ActionExecutionRow;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import dev.conveyor.server.logs.LogRequests;

/**
 * {@code GET /conveyor/v1/builds/<build id>/log?offset=N}: a build's log from byte N, followed as the action log
 * is ({@code X-Conveyor-Log-Offset} says where to continue, {@code X-Conveyor-Log-Complete} when the build is over
 * and everything was sent). A pipeline's build is its action's log; a StartBuild build has its own. This is the
 * {@code deepLink} of BatchGetBuilds' {@code logs}, standing in for CloudWatch Logs.
 */
final class BuildLogEndpoint {
    static final String PREFIX = "/conveyor/v1/builds/";
    private static final int MAX_CHUNK = 1024 * 1024;

    private final BuildRecorder recorder;
    private final ExecutionQueries queries;
    private final ServerBuilds serverBuilds;
    private final Path actionLogsDir;

    BuildLogEndpoint(BuildRecorder recorder, ExecutionQueries queries, ServerBuilds serverBuilds, Path actionLogsDir) {
        this.recorder = recorder;
        this.queries = queries;
        this.serverBuilds = serverBuilds;
        this.actionLogsDir = actionLogsDir;
    }

    void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String rest = request.getRequestURI().substring(PREFIX.length());
        OptionalLong offset = LogRequests.offset(request);
        if (offset.isEmpty()) {
            LogRequests.writeError(response, 400, LogRequests.invalidOffset(request));
            return;
        }
        if (!rest.endsWith("/log")) {
            LogRequests.writeError(response, 404, "Use " + PREFIX + "<build id>/log");
            return;
        }
        String id = URLDecoder.decode(rest.substring(0, rest.length() - "/log".length()), StandardCharsets.UTF_8);
        BuildRow build = recorder.find(CodeBuildArns.buildId(id)).orElse(null);
        if (build == null) {
            LogRequests.writeError(response, 404, "No build " + id);
            return;
        }
        Path file = logFile(build);
        long size = file != null && Files.exists(file) ? Files.size(file) : 0;
        long from = Math.min(offset.getAsLong(), size);
        long length = Math.min(size - from, MAX_CHUNK);
        response.setStatus(200);
        response.setContentType("text/plain; charset=utf-8");
        response.setHeader("X-Conveyor-Log-Offset", Long.toString(from + length));
        response.setHeader("X-Conveyor-Log-Complete", Boolean.toString(build.complete() && from + length >= size));
        response.setHeader("X-Conveyor-Build-Status", build.status());
        response.setContentLengthLong(length);
        if (length > 0) {
            try (SeekableByteChannel channel = Files.newByteChannel(file); OutputStream out = response.getOutputStream()) {
                channel.position(from);
                InputStream in = Channels.newInputStream(channel);
                byte[] buffer = new byte[8192];
                long left = length;
                while (left > 0) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (n < 0) {
                        break;
                    }
                    out.write(buffer, 0, n);
                    left -= n;
                }
            }
        }
    }

    private Path logFile(BuildRow build) {
        if (build.actionExecutionId() == null) {
            return serverBuilds.logFile(build.id());
        }
        ActionExecutionRow action = queries.action(build.actionExecutionId());
        return action == null ? null : actionLogsDir.resolve(action.pipelineExecutionId()).resolve(action.id() + ".log");
    }
}
