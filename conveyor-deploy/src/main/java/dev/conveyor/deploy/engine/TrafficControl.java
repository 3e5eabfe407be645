package dev.conveyor.deploy.engine;

import java.time.Duration;
import java.util.Map;

/**
 * What a deployment does to a load balancer: per server of a backend (a target group's instances), take it out of
 * rotation after its in-flight requests finish, put it back, or give it a weight. Every call is idempotent, so a
 * deployment resumed after a restart simply repeats the step it was on.
 */
public interface TrafficControl {
    /** Stops new requests to the server, waits (up to {@code timeout}) for its open sessions to finish, then disables it. */
    void block(String backend, String server, Duration timeout);

    /** Puts the server back in rotation at its configured weight. */
    void allow(String backend, String server);

    /** Puts the server in rotation at {@code weight} (0 to 256); weight 0 receives no new requests. */
    void weight(String backend, String server, int weight);

    /** Each server of a backend and its state as the balancer reports it (e.g. {@code ready 1/1}, {@code maint 0/1}). */
    Map<String, String> servers(String backend);

    /** A deployment that needs a load balancer when none is configured fails with this. */
    TrafficControl NONE = new TrafficControl() {
        @Override
        public void block(String backend, String server, Duration timeout) {
            throw unavailable();
        }

        @Override
        public void allow(String backend, String server) {
            throw unavailable();
        }

        @Override
        public void weight(String backend, String server, int weight) {
            throw unavailable();
        }

        @Override
        public Map<String, String> servers(String backend) {
            throw unavailable();
        }

        private IllegalStateException unavailable() {
            return new IllegalStateException("the deployment group names a target group but this server has no load balancer "
                    + "(start it with --haproxy-socket PATH)");
        }
    };
}
