package dev.conveyor.engine;

import dev.conveyor.store.execution.JobRow;
import java.util.Optional;

/**
 * Asked before a queued job is handed to any worker (an agent, a job worker, the server's own invoke worker):
 * whether the job may run at all. The server uses it to check what an action would do on the pipeline's behalf
 * against the action's (or pipeline's) role (issue 14). A refusal fails the action with its message, without the job
 * ever reaching a worker.
 */
@FunctionalInterface
public interface JobGate {
    /** Empty when the job may run; else why not (the action's failure message). */
    Optional<String> refusal(JobRow job);

    JobGate OPEN = job -> Optional.empty();
}
