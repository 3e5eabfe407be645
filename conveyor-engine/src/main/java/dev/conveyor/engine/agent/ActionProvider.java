package dev.conveyor.engine.agent;

import dev.conveyor.engine.jobs.JobOutcome;
import dev.conveyor.model.pipeline.ActionTypeId;

/**
 * A built-in action type's implementation, run by an agent (embedded in the server or remote) for each job of its
 * type. {@link #run} blocks on a virtual thread; it reads inputs from and writes outputs to the artifact store
 * through the {@link ActionJob}, writes its log through the job, and returns the outcome. It should respond to
 * interruption (the job was abandoned or timed out) by stopping its work.
 */
public interface ActionProvider {
    /** The action type this provider runs. */
    ActionTypeId actionTypeId();

    JobOutcome run(ActionJob job) throws InterruptedException;
}
