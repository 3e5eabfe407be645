package dev.conveyor.agent;

import dev.conveyor.engine.agent.Agent;
import dev.conveyor.providers.BuiltInProviders;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * {@code conveyor agent}: an agent on another host that runs the built-in build providers (Commands, and CodeBuild
 * builds when present) for a server, through the agent API and the S3 endpoint. Sources stay on the server, as
 * CodePipeline runs them itself. A server that restarts is simply polled again.
 */
public final class RemoteAgent implements AutoCloseable {
    private final AgentApiClient api;
    private final HttpJobChannel channel;
    private final Agent agent;

    /**
     * @param workerId a stable name for this agent: after a crash, the same name releases the jobs it held at once
     */
    public RemoteAgent(URI server, String region, String workerId, Set<String> labels, int capacity, Path workDir, Duration lease) {
        this(server, CaBundle.system(), region, workerId, labels, capacity, workDir, lease);
    }

    /** @param trust the authorities an {@code https://} server's certificate is checked against */
    public RemoteAgent(URI server, CaBundle trust, String region, String workerId, Set<String> labels, int capacity, Path workDir,
                       Duration lease) {
        this(server, trust, RequestSigner.standard(region), region, workerId, labels, capacity, workDir, lease);
    }

    /** @param signer signs the agent's calls with its own key (by default the standard AWS credential chain) */
    public RemoteAgent(URI server, CaBundle trust, RequestSigner signer, String region, String workerId, Set<String> labels, int capacity,
                       Path workDir, Duration lease) {
        this(server, trust, signer, region, workerId, labels, capacity, workDir, lease, java.util.List.of());
    }

    /** @param jobWritablePaths host directories jobs may write besides their workspaces (they run sandboxed) */
    public RemoteAgent(URI server, CaBundle trust, RequestSigner signer, String region, String workerId, Set<String> labels, int capacity,
                       Path workDir, Duration lease, java.util.List<Path> jobWritablePaths) {
        this.api = new AgentApiClient(server, trust, signer);
        this.channel = new HttpJobChannel(api);
        this.agent = new Agent(workerId, labels, channel, new RemoteArtifactStore(channel, server, region, trust),
                BuiltInProviders.workers(dev.conveyor.providers.sandbox.JobSandbox.detect(jobWritablePaths)), capacity, workDir.resolve("logs"), workDir.resolve("workspaces"), lease);
    }

    public RemoteAgent start() {
        agent.start();
        return this;
    }

    public String workerId() {
        return agent.workerId();
    }

    @Override
    public void close() {
        agent.close();
        channel.close();
        api.close();
    }
}
