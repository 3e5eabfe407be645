package dev.conveyor.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One operation of an AWS JSON service. The input has already been checked against the operation's input shape;
 * the result is the output object, or null for operations without output.
 */
@FunctionalInterface
public interface JsonOperation {
    JsonNode handle(JsonNode input, RequestContext context);
}
