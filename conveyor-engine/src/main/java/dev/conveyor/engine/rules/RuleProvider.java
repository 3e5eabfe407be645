package dev.conveyor.engine.rules;

import java.time.Duration;

/**
 * A rule type's implementation. The engine calls {@link #evaluate} outside any transaction, on a virtual thread, and
 * writes what it answers: settled (succeeded or failed), or waiting to be looked at again at a given time (a deployment
 * window not yet open, an alarm within its wait time, a build still running), with the state to carry to that look.
 * A provider never waits long itself; anything it cannot decide now it answers {@link RuleOutcome.Waiting}.
 */
public interface RuleProvider {
    /** The rule type's provider name, e.g. {@code VariableCheck}. */
    String provider();

    /** How long a rule of this type may take when its declaration sets no timeoutInMinutes. */
    default Duration defaultTimeout() {
        return Duration.ofHours(1);
    }

    /**
     * True for a provider that only computes (no I/O, no waiting): the engine then evaluates it in the transaction that
     * starts the rule, and a rule that settles at once costs no further transaction.
     */
    default boolean evaluatesInline() {
        return false;
    }

    RuleOutcome evaluate(RuleRun run) throws InterruptedException;
}
