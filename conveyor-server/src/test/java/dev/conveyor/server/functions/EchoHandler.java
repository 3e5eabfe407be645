package dev.conveyor.server.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Java function for {@link LambdaApiTest}: packed into a zip by the test and run by the official runtime interface
 * client. Answers with the event, its pid and what the runtime told it; fails when the event asks it to.
 */
public class EchoHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        if (event.containsKey("fail")) {
            throw new IllegalStateException("asked to fail: " + event.get("fail"));
        }
        context.getLogger().log("java handler got " + event);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("event", event);
        answer.put("pid", ProcessHandle.current().pid());
        answer.put("requestId", context.getAwsRequestId());
        answer.put("functionName", context.getFunctionName());
        answer.put("greeting", System.getenv("GREETING"));
        return answer;
    }
}
