package dev.conveyor.server.conditions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.engine.rules.RuleOutcome;
import dev.conveyor.engine.rules.RuleProvider;
import dev.conveyor.engine.rules.RuleRun;
import dev.conveyor.functions.Functions;
import dev.conveyor.functions.runtime.InvocationResult;
import dev.conveyor.model.json.ConveyorJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The LambdaInvoke rule: invokes function {@code FunctionName} of this server synchronously with an event describing
 * the rule (its execution id, pipeline, stage, {@code UserParameters}, resolved configuration). The rule succeeds when
 * the function returns, and fails with the function's error (errorType: errorMessage) when it raises one; a function
 * that does not exist fails the rule at once.
 */
final class LambdaInvokeRule implements RuleProvider {
    private final ObjectMapper mapper = ConveyorJson.mapper();
    private final Functions functions;

    LambdaInvokeRule(Functions functions) {
        this.functions = functions;
    }

    @Override
    public String provider() {
        return "LambdaInvoke";
    }

    @Override
    public Duration defaultTimeout() {
        return Duration.ofMinutes(15);
    }

    @Override
    public RuleOutcome evaluate(RuleRun run) {
        String function = run.configuration().get("FunctionName");
        ObjectNode event = mapper.createObjectNode();
        ObjectNode rule = event.putObject("ruleExecution");
        rule.put("ruleExecutionId", run.ruleExecutionId());
        rule.put("pipelineName", run.pipelineName());
        rule.put("pipelineExecutionId", run.pipelineExecutionId());
        rule.put("stageName", run.stageName());
        rule.put("ruleName", run.ruleName());
        if (run.configuration().containsKey("UserParameters")) {
            rule.put("userParameters", run.configuration().get("UserParameters"));
        }
        ObjectNode configuration = rule.putObject("configuration");
        run.configuration().forEach(configuration::put);
        InvocationResult result;
        try {
            result = functions.invoke(function, ConveyorJson.write(event).getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return RuleOutcome.configurationError("Function '" + function + "' could not be invoked: " + e.getMessage());
        }
        if (result.failed()) {
            String message = result.functionError();
            try {
                JsonNode error = mapper.readTree(result.payload());
                message = error.path("errorType").asText(result.functionError()) + ": " + error.path("errorMessage").asText("");
            } catch (java.io.IOException | RuntimeException ignored) {
                // the payload is not the runtime's error document: keep the function error's kind
            }
            return new RuleOutcome.Failed("JobFailed", "Function '" + function + "' failed: " + message, result.requestId(), null);
        }
        return new RuleOutcome.Succeeded("Function '" + function + "' returned", result.requestId(), null);
    }
}
