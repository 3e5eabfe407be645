package dev.conveyor.functions;

import java.util.Map;

/**
 * A function's settings as a request gives them (CreateFunction, UpdateFunctionConfiguration): null members were not
 * given. Names as in the Lambda API.
 */
public record FunctionInput(String functionName, String runtime, String role, String handler, String description, Integer timeout,
                            Integer memorySize, Map<String, String> environment) {
}
