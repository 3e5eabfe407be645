package dev.conveyor.engine.rules;

import dev.conveyor.model.pipeline.ActionTypeId;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * A rule type whose work runs as a job of an action type, on whatever runs that type's jobs: the Commands rule on
 * agents (the embedded one, remote {@code conveyor agent}s) exactly as the Commands action, with the same sandbox, log
 * and timeout; the LambdaInvoke rule on the in-process invoke worker, with the same {@code CodePipeline.job} event as
 * the Invoke/AWS/Lambda action. The engine queues the job in the transaction that starts the rule and settles the rule
 * from the job's outcome; {@link #evaluate} is never called for it.
 *
 * @param provider       the rule type's provider name
 * @param jobType        the action type of its jobs
 * @param defaultTimeout how long a rule of this type may take when its declaration sets no timeoutInMinutes
 * @param logLink        the link to a rule execution's log (its {@code externalExecutionUrl} when the job gives none),
 *                       by rule execution id; null when there is none
 */
public record JobRule(String provider, ActionTypeId jobType, Duration defaultTimeout, UnaryOperator<String> logLink)
        implements RuleProvider {

    public String logLinkOf(String ruleExecutionId) {
        return logLink == null ? null : logLink.apply(ruleExecutionId);
    }

    @Override
    public RuleOutcome evaluate(RuleRun run) {
        // Not reached: a job rule's outcome comes from its job. Should a look happen anyway, it changes nothing.
        return new RuleOutcome.Waiting(run.now().plus(Duration.ofMinutes(1)), "Waiting for the rule's job", run.state(), null, null);
    }
}
