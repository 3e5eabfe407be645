package dev.conveyor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** How the client commands fail: one line saying what went wrong, exit code 1, never a stack trace. */
class ClientErrorsTest {
    @RegisterExtension
    static final CliServer server = CliServer.perClass();

    @Test
    void anUnknownPipelineIsReportedWithTheAwsErrorTypeOnOneLine() {
        for (String[] command : new String[][] {{"status", "missing"}, {"run", "missing"}, {"logs", "missing"},
                {"approve", "missing", "Approve", "Gate"}, {"run", "missing", "--watch"}}) {
            CliServer.Result result = server.conveyor(command);

            assertThat(result.exitCode()).as(String.join(" ", command)).isEqualTo(1);
            assertThat(result.out()).isEmpty();
            assertThat(result.err()).as(String.join(" ", command))
                    .isEqualTo("conveyor: PipelineNotFoundException: Pipeline 'missing' does not exist\n");
        }
    }

    @Test
    void anUnreachableServerIsReportedWithWhereItWasExpected() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + closedPort;

        CliServer.Result result = CliServer.run("status", "conveyor-demo", "--endpoint", endpoint);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("conveyor: cannot reach Conveyor at " + endpoint + " (ConnectException)")
                .contains("CONVEYOR_ENDPOINT");
        assertThat(result.err().lines()).hasSize(1);
    }

    @Test
    void anEndpointThatIsNotAUrlIsRefusedBeforeAnyRequest() {
        CliServer.Result result = CliServer.run("status", "conveyor-demo", "--endpoint", "localhost:8420");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("conveyor: --endpoint must be a URL like http://127.0.0.1:8420, not 'localhost:8420'\n");
    }

    @Test
    void aMissingArgumentIsAUsageErrorWithExitCodeTwo() {
        CliServer.Result result = CliServer.run("approve", "conveyor-demo");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Missing required parameters: 'STAGE', 'ACTION'");
    }
}
