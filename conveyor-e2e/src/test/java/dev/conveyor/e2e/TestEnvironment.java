package dev.conveyor.e2e;

import dev.conveyor.testkit.TestCredentials;
import java.util.Map;

/** The environment test processes that call the server (agents, client commands) run with. */
final class TestEnvironment {
    private TestEnvironment() {
    }

    /** Credentials the standard way (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY): the test key pair, no profile. */
    static void signWithTestCredentials(ProcessBuilder builder) {
        Map<String, String> env = builder.environment();
        env.put("AWS_ACCESS_KEY_ID", TestCredentials.ACCESS_KEY_ID);
        env.put("AWS_SECRET_ACCESS_KEY", TestCredentials.SECRET_ACCESS_KEY);
        env.remove("AWS_SESSION_TOKEN");
        env.remove("AWS_PROFILE");
    }
}
