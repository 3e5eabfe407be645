package dev.conveyor.e2e;

import dev.conveyor.testkit.TestCredentials;
import java.util.Map;

/** The environment test processes that call the server (agents, client commands) run with. */
final class TestEnvironment {
    private TestEnvironment() {
    }

    /** A GET of one of the server's log endpoints, signed with the test key (service {@code logs}); the body. */
    static String signedGet(java.net.URI uri) throws Exception {
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            java.net.http.HttpResponse<String> response = http.send(dev.conveyor.testkit.TestSigner.request("GET", uri, Map.of(), null, "logs")
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError("GET " + uri + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        }
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
