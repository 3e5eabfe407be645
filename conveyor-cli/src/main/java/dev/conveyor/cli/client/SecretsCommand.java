package dev.conveyor.cli.client;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.SecretListEntry;

/**
 * {@code conveyor secrets put|list|delete}: the server's secret store, which CodeBuild variables of type
 * PARAMETER_STORE and SECRETS_MANAGER are read from (one namespace for both). Talks to the server's Secrets Manager
 * API, so {@code aws secretsmanager …} and {@code aws ssm …} see the same secrets.
 */
@Command(name = "secrets", mixinStandardHelpOptions = true,
        description = "Set, list and delete the secrets builds read (PARAMETER_STORE and SECRETS_MANAGER variables).",
        subcommands = {SecretsCommand.Put.class, SecretsCommand.ListSecrets.class, SecretsCommand.Delete.class})
public final class SecretsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code conveyor secrets put NAME [VALUE]}: creates or replaces a secret; without VALUE (or with -) it is read from stdin. */
    @Command(name = "put", mixinStandardHelpOptions = true, description = "Create a secret, or give an existing one a new value.")
    static final class Put extends ClientCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The secret's name, e.g. /myapp/db-password or prod/api-token.")
        String name;

        @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE",
                description = "The value; omit it (or give -) to read it from standard input, so it stays out of your shell history.")
        String value;

        @Option(names = "--description", paramLabel = "TEXT", description = "What the secret is for (new secrets only).")
        String description;

        @Override
        public Integer call() throws IOException {
            String secret = value == null || value.equals("-") ? readStdin() : value;
            if (secret.isEmpty()) {
                throw new CommandFailure("the secret's value is empty");
            }
            try (SecretsManagerClient secrets = client.secretsManager()) {
                String verb;
                try {
                    secrets.createSecret(r -> r.name(name).secretString(secret).description(description));
                    verb = "Created";
                } catch (ResourceExistsException exists) {
                    secrets.putSecretValue(r -> r.secretId(name).secretString(secret));
                    verb = "Updated";
                }
                PrintWriter out = spec.commandLine().getOut();
                out.println(verb + " secret " + name + ".");
                out.flush();
            }
            return 0;
        }

        private static String readStdin() throws IOException {
            String text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
            return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text; // `echo value |` adds a newline
        }
    }

    /** {@code conveyor secrets list}: names and when they changed, never values. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the secrets (names only, never values).")
    static final class ListSecrets extends ClientCommand {
        @Override
        public Integer call() {
            TextTable table = new TextTable("NAME", "CHANGED", "DESCRIPTION");
            try (SecretsManagerClient secrets = client.secretsManager()) {
                for (SecretListEntry entry : secrets.listSecretsPaginator(r -> { }).stream().flatMap(p -> p.secretList().stream()).toList()) {
                    table.row(entry.name(), Times.local(entry.lastChangedDate()), entry.description());
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            table.lines().forEach(out::println);
            out.flush();
            return 0;
        }
    }

    /** {@code conveyor secrets delete NAME}. */
    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a secret at once (no recovery window).")
    static final class Delete extends ClientCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            try (SecretsManagerClient secrets = client.secretsManager()) {
                secrets.deleteSecret(r -> r.secretId(name).forceDeleteWithoutRecovery(true));
            }
            spec.commandLine().getOut().println("Deleted secret " + name + ".");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
