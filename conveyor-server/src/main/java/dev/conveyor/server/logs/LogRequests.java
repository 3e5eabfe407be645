package dev.conveyor.server.logs;

import dev.conveyor.model.json.ConveyorJson;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/** What the log endpoints (action logs, build logs) share: the {@code offset} parameter and their JSON errors. */
public final class LogRequests {
    private LogRequests() {
    }

    /**
     * The {@code offset} query parameter: absent is 0; a decimal count of bytes from 0 to 2^63-1, or empty when it
     * is anything else ({@code abc}, {@code -1}, a number that overflows), which the caller answers with 400.
     */
    public static OptionalLong offset(HttpServletRequest request) {
        String value = request.getParameter("offset");
        if (value == null) {
            return OptionalLong.of(0);
        }
        if (!value.matches("[0-9]{1,19}")) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
            return OptionalLong.empty(); // 19 digits above Long.MAX_VALUE
        }
    }

    /** The message when {@link #offset} is empty. */
    public static String invalidOffset(HttpServletRequest request) {
        return "offset must be a whole number of bytes from 0 to " + Long.MAX_VALUE + ", got '" + request.getParameter("offset") + "'";
    }

    /** A JSON error, {@code {"message": …}}, as Conveyor's own endpoints answer. */
    public static void writeError(HttpServletResponse response, int status, String message) throws IOException {
        byte[] body = ConveyorJson.mapper().createObjectNode().put("message", message).toString().getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
