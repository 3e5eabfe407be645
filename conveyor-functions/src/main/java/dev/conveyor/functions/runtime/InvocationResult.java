package dev.conveyor.functions.runtime;

/**
 * How an invocation ended: the payload the function returned (or its error document), {@code functionError} null on
 * success and {@code Unhandled} when the function failed (Lambda's {@code X-Amz-Function-Error}), and the invocation's
 * log (Lambda's START/END/REPORT lines around what the function printed).
 */
public record InvocationResult(String requestId, byte[] payload, String functionError, String log) {
    public boolean failed() {
        return functionError != null;
    }
}
