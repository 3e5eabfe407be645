package dev.conveyor.cli.client;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.iam.model.User;

/**
 * {@code conveyor agents add|list|revoke}: the registry of remote agents. Each agent is an IAM user under the path
 * {@value #PATH} with the managed policy ConveyorAgentAccess (the agent API, nothing else) and its own access key;
 * {@code revoke} deactivates its keys, and every request it signs is refused from then on (keys are looked up on every
 * request). All of it is plain IAM, so {@code aws iam list-users --path-prefix /conveyor/agents/} shows the same.
 */
@Command(name = "agents", mixinStandardHelpOptions = true, description = "Register, list and revoke remote agents (their own keys).",
        subcommands = {AgentsCommand.Add.class, AgentsCommand.ListAgents.class, AgentsCommand.Revoke.class})
public final class AgentsCommand implements Runnable {
    public static final String PATH = "/conveyor/agents/";
    static final String POLICY_ARN = "arn:aws:iam::aws:policy/ConveyorAgentAccess";

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Common to the subcommands: where the server is, and the picocli spec to print to. */
    abstract static class AgentsSubcommand implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Register an agent: its user, policy and access key, printed "
            + "as a shared-credentials profile for `conveyor agent --profile NAME`.")
    static final class Add extends AgentsSubcommand {
        @Parameters(paramLabel = "NAME", description = "The agent's name (letters, digits and +=,.@_-).")
        String name;

        @Override
        public Integer call() {
            try (IamClient iam = client.iam()) {
                iam.createUser(r -> r.userName(name).path(PATH));
                iam.attachUserPolicy(r -> r.userName(name).policyArn(POLICY_ARN));
                AccessKey key = iam.createAccessKey(r -> r.userName(name)).accessKey();
                PrintWriter out = out();
                out.println("# The agent " + name + "'s key: add to its ~/.aws/credentials and run `conveyor agent --profile " + name + " …`");
                out.println("[" + name + "]");
                out.println("aws_access_key_id = " + key.accessKeyId());
                out.println("aws_secret_access_key = " + key.secretAccessKey());
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the registered agents and whether their keys are active.")
    static final class ListAgents extends AgentsSubcommand {
        @Override
        public Integer call() {
            TextTable table = new TextTable("NAME", "ACCESS KEY", "STATUS", "REGISTERED");
            try (IamClient iam = client.iam()) {
                for (User user : iam.listUsersPaginator(r -> r.pathPrefix(PATH)).users()) {
                    List<AccessKeyMetadata> keys = iam.listAccessKeys(r -> r.userName(user.userName())).accessKeyMetadata();
                    if (keys.isEmpty()) {
                        table.row(user.userName(), "-", "no key", Times.local(user.createDate()));
                    }
                    for (AccessKeyMetadata key : keys) {
                        table.row(user.userName(), key.accessKeyId(), StatusType.ACTIVE.equals(key.status()) ? "active" : "revoked",
                                Times.local(user.createDate()));
                    }
                }
            }
            table.lines().forEach(out()::println);
            out().flush();
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke an agent: its keys are deactivated and it is "
            + "refused at once.")
    static final class Revoke extends AgentsSubcommand {
        @Parameters(paramLabel = "NAME", description = "The agent's name.")
        String name;

        @Override
        public Integer call() {
            try (IamClient iam = client.iam()) {
                User user;
                try {
                    user = iam.getUser(r -> r.userName(name)).user();
                } catch (NoSuchEntityException e) {
                    throw new CommandFailure("no agent named " + name);
                }
                if (!user.path().equals(PATH)) {
                    throw new CommandFailure(name + " is a user, not an agent (its path is " + user.path() + ")");
                }
                int revoked = 0;
                for (AccessKeyMetadata key : iam.listAccessKeys(r -> r.userName(name)).accessKeyMetadata()) {
                    iam.updateAccessKey(r -> r.userName(name).accessKeyId(key.accessKeyId()).status(StatusType.INACTIVE));
                    revoked++;
                }
                out().println("Revoked the agent " + name + " (" + revoked + " key" + (revoked == 1 ? "" : "s") + " deactivated).");
                out().flush();
            }
            return 0;
        }
    }
}
