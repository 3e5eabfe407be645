package dev.conveyor.cli;

import dev.conveyor.server.ConveyorServer;
import dev.conveyor.server.ServerConfig;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code conveyor server}: runs the server until SIGTERM or Ctrl-C, then shuts it down cleanly. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run the Conveyor server (embedded database under --data-dir unless --database is given).")
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8420", description = "HTTP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--data-dir", defaultValue = "${sys:user.home}/.conveyor", description = "Where data lives (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--database", description = "JDBC URL of a PostgreSQL database, e.g. jdbc:postgresql://db:5432/conveyor?user=conveyor&password=…")
    String database;

    @Option(names = "--region", defaultValue = ServerConfig.DEFAULT_REGION, description = "Region in ARNs (default: ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--account-id", defaultValue = ServerConfig.DEFAULT_ACCOUNT_ID, description = "12-digit account id in ARNs (default: ${DEFAULT-VALUE}).")
    String accountId;

    @Option(names = "--no-embedded-agent", description = "Run no jobs in this process: all work goes to remote agents.")
    boolean noEmbeddedAgent;

    @Option(names = "--agent-capacity", defaultValue = "0", description = "Jobs the embedded agent runs at once (default: twice the cores).")
    int agentCapacity;

    @Option(names = "--demo", description = "Create the demo pipeline if it does not exist yet.")
    boolean demo;

    @Override
    public Integer call() throws Exception {
        ServerConfig.EngineSettings defaults = ServerConfig.EngineSettings.defaults();
        ServerConfig config = new ServerConfig(bind, port, dataDir, database, region, accountId,
                new ServerConfig.EngineSettings(!noEmbeddedAgent, agentCapacity == 0 ? defaults.agentCapacity() : agentCapacity,
                        defaults.approvalTimeout(), defaults.leaseDuration(), defaults.sweepInterval()));
        ConveyorServer server = new ConveyorServer(config).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "conveyor-shutdown"));
        if (demo) {
            DemoPipeline.ensure(server);
        }
        System.out.println("Conveyor is ready at " + server.endpoint()
                + "  (try: aws codepipeline list-pipelines --endpoint-url " + server.endpoint() + ")");
        stopped.await();
        return 0;
    }
}
