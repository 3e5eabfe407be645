package dev.conveyor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code conveyor secrets}: put (create, then replace), list without values, delete; errors on one line. */
class SecretsCommandTest {
    @RegisterExtension
    static final CliServer server = CliServer.perClass();

    @Test
    void secretsArePutListedAndDeleted() {
        CliServer.Result created = server.conveyor("secrets", "put", "/app/db-password", "first-value", "--description", "the database");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.out()).isEqualTo("Created secret /app/db-password.\n");
        assertThat(server.conveyor("secrets", "put", "/app/db-password", "second-value").out()).isEqualTo("Updated secret /app/db-password.\n");

        CliServer.Result list = server.conveyor("secrets", "list");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out()).startsWith("NAME").contains("/app/db-password").contains("the database")
                .doesNotContain("first-value").doesNotContain("second-value");

        assertThat(server.conveyor("secrets", "delete", "/app/db-password").out()).isEqualTo("Deleted secret /app/db-password.\n");
        CliServer.Result missing = server.conveyor("secrets", "delete", "/app/db-password");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).startsWith("conveyor: ResourceNotFoundException: ").contains("/app/db-password");
    }
}
