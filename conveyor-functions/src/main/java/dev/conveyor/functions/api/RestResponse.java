package dev.conveyor.functions.api;

import java.util.Map;

/** What to send back: status, headers (besides Content-Type) and a JSON (or, for Invoke, the function's) body. */
public record RestResponse(int status, Map<String, String> headers, byte[] body) {
}
