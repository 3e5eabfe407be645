package dev.conveyor.engine.agent;

/**
 * A job channel for agent tests that acknowledges nothing, renews every lease and keeps no workers: a test channel
 * states only how it offers jobs and takes their outcomes.
 */
abstract class QuietChannel implements JobChannel {
    @Override
    public void acknowledge(String jobId, String nonce) {
    }

    @Override
    public boolean renew(String jobId, String workerId) {
        return true;
    }

    @Override
    public void releaseJobsOf(String workerId) {
    }
}
