package dev.conveyor.cli;

import dev.conveyor.agent.RemoteAgent;
import dev.conveyor.engine.agent.AgentLabels;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code conveyor agent --server URL}: runs build jobs (Commands, CodeBuild) for a Conveyor server from this host,
 * until SIGTERM. Jobs a previous run of an agent with the same name held are offered again at once.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run jobs for a Conveyor server on this host (start servers with --no-embedded-agent to send them all here).")
final class AgentCommand implements Callable<Integer> {
    @Option(names = "--server", required = true, description = "The server's URL, e.g. http://ci.example.com:8420")
    URI server;

    @Option(names = "--name", description = "A stable name for this agent (default: agent@<host>:<work dir>).")
    String name;

    @Option(names = "--labels", defaultValue = "", description = "Comma-separated labels; actions naming labels in "
            + "their " + AgentLabels.CONFIGURATION_KEY + " configuration run only on agents having them all.")
    String labels;

    @Option(names = "--capacity", defaultValue = "2", description = "Jobs run at once (default: ${DEFAULT-VALUE}).")
    int capacity;

    @Option(names = "--work-dir", defaultValue = "${sys:user.home}/.conveyor-agent", description = "Where workspaces and logs live (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--region", defaultValue = "us-east-1", description = "The server's region (default: ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--ca-bundle", paramLabel = "PEM", description = "Certificate authorities to trust for an https:// server "
            + "(default: $AWS_CA_BUNDLE, else the system's), e.g. the server's <data-dir>/tls/ca.pem.")
    Path caBundle;

    @Option(names = "--job-writable-dir", paramLabel = "DIR", description = "A host directory jobs may write besides their "
            + "workspace (repeatable); they run sandboxed and see nothing else of the host (docs/security.md).")
    java.util.List<Path> jobWritableDirs = new java.util.ArrayList<>();

    @Option(names = "--profile", description = "The AWS profile holding the agent's own access key (default: $AWS_PROFILE; "
            + "without one, the standard chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, the default profile, …).")
    String profile;

    @Option(names = "--deploy-instance-name", paramLabel = "NAME", description = "Also act as the CodeDeploy agent of this host: "
            + "register it as the on-premises instance NAME and run the deployments the server sends it.")
    String deployInstanceName;

    @Option(names = "--deploy-tag", paramLabel = "KEY=VALUE", description = "A tag of the on-premises instance (repeatable), "
            + "matched by deployment groups' onPremisesInstanceTagFilters.")
    java.util.List<String> deployTags = new java.util.ArrayList<>();

    @Option(names = "--lease-seconds", defaultValue = "30", hidden = true, description = "How often leases are renewed, times three.")
    int leaseSeconds;

    @Override
    public Integer call() throws Exception {
        String workerId = name != null ? name : "agent@" + java.net.InetAddress.getLocalHost().getHostName() + ":" + workDir.toAbsolutePath();
        var credentials = profile == null ? software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider.builder().build()
                : software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider.builder().profileName(profile).build();
        dev.conveyor.agent.RequestSigner signer = new dev.conveyor.agent.RequestSigner(credentials, region);
        RemoteAgent agent = new RemoteAgent(server, dev.conveyor.agent.CaBundle.resolve(caBundle), signer, region, workerId, AgentLabels.parse(labels), capacity, workDir,
                Duration.ofSeconds(leaseSeconds), jobWritableDirs).start();
        dev.conveyor.agent.deploy.DeployAgent deployAgent = null;
        if (deployInstanceName != null) {
            java.util.Map<String, String> tags = new java.util.LinkedHashMap<>();
            for (String tag : deployTags) {
                int eq = tag.indexOf('=');
                if (eq <= 0) {
                    throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--deploy-tag wants KEY=VALUE, not " + tag);
                }
                tags.put(tag.substring(0, eq), tag.substring(eq + 1));
            }
            deployAgent = new dev.conveyor.agent.deploy.DeployAgent(server, dev.conveyor.agent.CaBundle.resolve(caBundle), signer, deployInstanceName,
                    tags, workDir).start();
            System.out.println("Conveyor agent " + workerId + " deploys as on-premises instance " + deployInstanceName + " " + tags);
        }
        dev.conveyor.agent.deploy.DeployAgent deploys = deployAgent;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (deploys != null) {
                deploys.close();
            }
            agent.close();
            stopped.countDown();
        }, "conveyor-agent-shutdown"));
        System.out.println("Conveyor agent " + workerId + " is taking jobs from " + server);
        stopped.await();
        return 0;
    }
}
