package dev.conveyor.testkit;

/**
 * The one credential pair every test client signs with. Test servers are started with it as their administrator
 * (root) key, so a test that builds a client from these values is authenticated exactly as a real administrator
 * would be; a test that wants to see a refusal signs with something else, or not at all.
 */
public final class TestCredentials {
    /** The access key id tests sign with. */
    public static final String ACCESS_KEY_ID = "AKIDEXAMPLE";
    /** Its secret. */
    public static final String SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    private TestCredentials() {
    }
}
