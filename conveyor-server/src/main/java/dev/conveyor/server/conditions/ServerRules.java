package dev.conveyor.server.conditions;

import dev.conveyor.engine.rules.JobRule;
import dev.conveyor.engine.rules.RuleProviders;
import dev.conveyor.functions.invoke.LambdaInvokeAction;
import dev.conveyor.model.actiontype.BuiltInActionTypes;
import dev.conveyor.server.logs.ActionLogEndpoint;
import dev.conveyor.server.protocol.JsonService;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Registers the rule providers that need the server's services with the engine: CodeBuild (this server's builds), and
 * the rules that run as jobs, on what runs those jobs' action types: Commands on the agents (embedded or remote), as the
 * Commands action, and LambdaInvoke on the invoke worker, with the Invoke/AWS/Lambda action's event. A job rule's link
 * is its log on this server ({@code /conveyor/v1/logs/<ruleExecutionId>}) unless its job reports one.
 */
public final class ServerRules {
    /** The Commands action's default timeout (ActionTimeouts), which the Commands rule shares. */
    static final Duration COMMANDS_TIMEOUT = Duration.ofMinutes(55);
    /** A Lambda function runs 15 minutes at most; its rule waits that long for the function's report by default. */
    static final Duration LAMBDA_TIMEOUT = Duration.ofMinutes(15);

    private ServerRules() {
    }

    /** @param publicUrl the base URL clients reach this server at (for the rules' log links) */
    public static void register(RuleProviders providers, JsonService codeBuild, Supplier<String> publicUrl) {
        java.util.function.UnaryOperator<String> logLink = ruleExecutionId -> {
            String base = publicUrl.get();
            return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + ActionLogEndpoint.PREFIX + ruleExecutionId;
        };
        providers.register(new CodeBuildRule(codeBuild));
        providers.register(new JobRule("Commands", BuiltInActionTypes.COMMANDS, COMMANDS_TIMEOUT, logLink));
        providers.register(new JobRule("LambdaInvoke", LambdaInvokeAction.TYPE, LAMBDA_TIMEOUT, logLink));
    }
}
