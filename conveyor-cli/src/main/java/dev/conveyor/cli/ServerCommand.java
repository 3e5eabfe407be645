package dev.conveyor.cli;

import dev.conveyor.cli.client.ClientOptions;
import dev.conveyor.cli.demo.DemoPipeline;
import dev.conveyor.cli.demo.DemoSampleApp;
import dev.conveyor.server.ConveyorServer;
import dev.conveyor.server.ServerConfig;
import java.nio.file.Path;
import java.util.List;
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

    @Option(names = "--lease-seconds", defaultValue = "0", hidden = true,
            description = "How long a silent agent keeps a job before it is offered again (default 30 s; tests shorten it).")
    int leaseSeconds;

    @Option(names = "--job-acknowledge-timeout-seconds", defaultValue = "60", description = "How long a job handed to a job "
            + "worker by PollForJobs or PollForThirdPartyJobs waits for AcknowledgeJob before it is offered again with a new "
            + "nonce (default: ${DEFAULT-VALUE}).")
    int acknowledgeTimeoutSeconds;

    @Option(names = "--artifact-endpoint", description = "Keep artifact buckets in this external S3-compatible service, e.g. "
            + "http://minio:9000 (credentials from the standard AWS chain); default: files under --data-dir.")
    java.net.URI artifactEndpoint;

    @Option(names = "--max-artifact-bytes", defaultValue = "5497558138880", description = "Largest artifact or S3 object accepted "
            + "(default: ${DEFAULT-VALUE}, 5 TiB).")
    long maxArtifactBytes;

    @Option(names = "--artifact-retention-executions", defaultValue = "0", description = "Keep the artifacts of the last N "
            + "executions of each pipeline (0: no such rule). Running and latest-successful executions always keep theirs.")
    int retentionExecutions;

    @Option(names = "--artifact-retention-days", defaultValue = "0", description = "Keep artifacts younger than D days (0: no such "
            + "rule). With both rules, an execution's artifacts stay while either rule keeps them.")
    int retentionDays;

    @Option(names = "--public-url", description = "The base URL agents, git clients and forges reach this server at, used in "
            + "clone, webhook and revision URLs, e.g. https://ci.example.com (default: the listener's address).")
    String publicUrl;

    @Option(names = "--poll-interval-seconds", defaultValue = "60", description = "How often sources with PollForSourceChanges "
            + "are polled (default: ${DEFAULT-VALUE}).")
    int pollIntervalSeconds;

    @Option(names = "--schedule-interval-millis", defaultValue = "5000", hidden = true,
            description = "How often pipeline schedules are checked (default 5 s; tests shorten it).")
    long scheduleIntervalMillis;

    @Option(names = "--tls", description = "Serve HTTPS with a certificate made on first start under <data-dir>/tls (its CA "
            + "bundle, for aws --ca-bundle or AWS_CA_BUNDLE, and fingerprint are printed).")
    boolean tls;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve HTTPS with this PEM certificate chain (with --tls-key).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "The PEM private key (PKCS#8 or PKCS#1, unencrypted) of --tls-cert.")
    Path tlsKey;

    @Option(names = "--https-port", defaultValue = "8443", description = "HTTPS port with --tls or --tls-cert (default: ${DEFAULT-VALUE}; "
            + "0 picks a free one).")
    int httpsPort;

    @Option(names = "--no-http", description = "Serve HTTPS only: no plain HTTP listener on --port.")
    boolean noHttp;

    @Option(names = "--drain-seconds", defaultValue = "20", description = "On SIGTERM, how long running jobs and requests "
            + "may take to finish while /readyz answers 503, before the server stops (default: ${DEFAULT-VALUE}).")
    long drainSeconds;

    @Option(names = "--alertmanager-token", paramLabel = "TOKEN", defaultValue = "${env:CONVEYOR_ALERTMANAGER_TOKEN}",
            description = "Accept Prometheus Alertmanager's webhook at /alertmanager/webhook with 'Authorization: Bearer TOKEN' "
                    + "(default: $CONVEYOR_ALERTMANAGER_TOKEN; without one the webhook refuses every request). See docs/cloudwatch.md.")
    String alertmanagerToken;

    @Option(names = "--alertmanager-alarm-label", defaultValue = "alertname", description = "The alert label that names the "
            + "CloudWatch alarm an Alertmanager alert sets (default: ${DEFAULT-VALUE}).")
    String alertmanagerAlarmLabel;

    @Option(names = "--job-writable-dir", paramLabel = "DIR", description = "A host directory jobs may write besides their "
            + "workspace (repeatable), e.g. a deployment target; they run sandboxed and never see the data dir (docs/security.md).")
    java.util.List<Path> jobWritableDirs = new java.util.ArrayList<>();

    @Option(names = "--smtp-host", description = "The SMTP server e-mail notifications (SNS email and email-json subscriptions) "
            + "are sent through; without it, e-mail deliveries fail and are dead-lettered.")
    String smtpHost;

    @Option(names = "--smtp-port", defaultValue = "25", description = "Its port (default: ${DEFAULT-VALUE}).")
    int smtpPort;

    @Option(names = "--smtp-from", defaultValue = "conveyor@localhost", description = "The sender of notification e-mail (default: ${DEFAULT-VALUE}).")
    String smtpFrom;

    @Option(names = "--auth", defaultValue = "sigv4", paramLabel = "sigv4|none", description = "sigv4 (default): every request "
            + "must be signed (SigV4) with a key IAM holds and be allowed by its policies; none: no authentication at all, for "
            + "throwaway local use (a loud warning; refused with a non-loopback --bind).")
    String auth;

    @Option(names = "--require-known-roles", description = "Act on a pipeline's behalf only as a role Conveyor's IAM holds: a "
            + "pipeline without roleArn, or naming a role IAM does not have (other than the demo's conveyor-demo), fails its "
            + "actions (default: such pipelines act with the authority of the user or role that created or last updated "
            + "them; docs/security.md).")
    boolean requireKnownRoles;

    @Option(names = "--admin-access-key-id", defaultValue = "${env:CONVEYOR_ADMIN_ACCESS_KEY_ID}", description = "The administrator's "
            + "access key id (with --admin-secret-access-key; env CONVEYOR_ADMIN_ACCESS_KEY_ID) instead of a random one made on "
            + "the first start. Still written to <data-dir>/admin-credentials.")
    String adminAccessKeyId;

    @Option(names = "--admin-secret-access-key", defaultValue = "${env:CONVEYOR_ADMIN_SECRET_ACCESS_KEY}", description = "The "
            + "administrator's secret access key (env CONVEYOR_ADMIN_SECRET_ACCESS_KEY; prefer the variable: arguments show in ps).")
    String adminSecretAccessKey;

    @Option(names = "--haproxy-socket", paramLabel = "PATH", description = "HAProxy's runtime API socket (stats socket … level admin): "
            + "deployment groups with loadBalancerInfo drain, enable and weigh the servers of the backend named as their target group.")
    java.nio.file.Path haproxySocket;

    @Option(names = "--deploy-minute-seconds", defaultValue = "60", hidden = true,
            description = "The length in seconds of a deployment 'minute' (canary and linear intervals, waits); for tests.")
    int deployMinuteSeconds;

    @Option(names = "--deploy-agent-timeout-seconds", defaultValue = "60", hidden = true,
            description = "A deployment target whose agent is silent this long while it holds a command fails.")
    int deployAgentTimeoutSeconds;

    @Option(names = "--demo", description = "Create the demo pipeline conveyor-demo (and start it) if it does not exist yet.")
    boolean demo;

    @Override
    public Integer call() throws Exception {
        ServerConfig.EngineSettings defaults = ServerConfig.EngineSettings.defaults();
        ServerConfig config = new ServerConfig(bind, port, dataDir, database, region, accountId,
                new ServerConfig.EngineSettings(!noEmbeddedAgent, agentCapacity == 0 ? defaults.agentCapacity() : agentCapacity,
                        defaults.approvalTimeout(), leaseSeconds == 0 ? defaults.leaseDuration() : java.time.Duration.ofSeconds(leaseSeconds),
                        defaults.sweepInterval(), java.time.Duration.ofSeconds(acknowledgeTimeoutSeconds)));
        config = config.withArtifacts(new ServerConfig.ArtifactSettings(artifactEndpoint, maxArtifactBytes,
                new dev.conveyor.artifacts.RetentionPolicy(retentionExecutions, retentionDays == 0 ? null : java.time.Duration.ofDays(retentionDays)),
                ServerConfig.ArtifactSettings.defaults().retentionInterval()));
        config = config.withSources(new ServerConfig.SourceSettings(publicUrl, java.time.Duration.ofSeconds(pollIntervalSeconds),
                java.time.Duration.ofMillis(scheduleIntervalMillis)));
        try {
            config = config.withTls(new ServerConfig.TlsSettings(tlsCert, tlsKey, tls, httpsPort, !noHttp));
            config = config.withAuth(authSettings());
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), e.getMessage());
        }
        // The demo's hosts behind HAProxy (issue 15): its HAProxy starts first, the server drives it through its socket.
        dev.conveyor.cli.demo.DemoHosts demoHosts = null;
        java.nio.file.Path haproxy = haproxySocket;
        if (demo) {
            java.util.Optional<String> without = haproxySocket != null
                    ? java.util.Optional.of("--haproxy-socket is given, so the demo starts no HAProxy of its own: its Deploy stage deploys locally only")
                    : dev.conveyor.cli.demo.DemoHosts.unavailableReason();
            if (without.isEmpty()) {
                try {
                    demoHosts = dev.conveyor.cli.demo.DemoHosts.startHaproxy(dataDir);
                    haproxy = demoHosts.socket();
                } catch (IllegalStateException e) {
                    without = java.util.Optional.of(e.getMessage() + "; the demo's Deploy stage deploys locally only");
                }
            }
            without.ifPresent(reason -> System.out.println("Demo: " + reason));
        }
        dev.conveyor.cli.demo.DemoHosts hosts = demoHosts;
        // The demo's Deploy stage writes its releases there: the one host directory its sandboxed commands may write.
        ConveyorServer server;
        try {
            server = new ConveyorServer(config).allowJobsToWrite(jobWritable())
                    .withEvents(dev.conveyor.server.events.EventSettings.defaults().withSmtp(smtpHost, smtpPort, smtpFrom))
                    .deployments(new dev.conveyor.server.deploy.DeployEndpoint.Options(haproxy,
                    dev.conveyor.deploy.engine.DeploySettings.defaults().withSecondsPerMinute(deployMinuteSeconds)
                            .withAgentTimeout(java.time.Duration.ofSeconds(deployAgentTimeoutSeconds))))
                    .cloudWatchSettings(new dev.conveyor.cloudwatch.CloudWatchServices.Settings(
                            dev.conveyor.cloudwatch.CloudWatchServices.Settings.defaults().tick(), alertmanagerToken, alertmanagerAlarmLabel))
                    .start();
        } catch (IllegalStateException e) {
            if (hosts != null) {
                hosts.close();
            }
            if (e.getMessage() != null && e.getMessage().startsWith("--auth none")) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), e.getMessage());
            }
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.drain(java.time.Duration.ofSeconds(drainSeconds)); // issue 19: readiness off, jobs finish or go back
            if (hosts != null) {
                hosts.close(); // its agents stop polling before the server goes; its HAProxy with them
            }
            server.close();
            stopped.countDown();
        }, "conveyor-shutdown"));
        DemoPipeline.Installation installation = demo ? DemoPipeline.install(server, dataDir, hosts) : null;
        System.out.println("Conveyor is ready at " + server.endpoint()
                + "  (try: aws codepipeline list-pipelines --endpoint-url " + server.endpoint() + ")");
        if (server.httpsEndpoint() != null && !server.httpsEndpoint().equals(server.endpoint())) {
            System.out.println("HTTPS at " + server.httpsEndpoint());
        }
        if (server.caBundle() != null) {
            System.out.println("HTTPS certificate: clients trust it with aws --ca-bundle " + server.caBundle() + " (or AWS_CA_BUNDLE="
                    + server.caBundle() + "; conveyor's client commands and agents take --ca-bundle too)");
        }
        if (installation != null) {
            System.out.println(demoGuide(installation, server.endpoint()));
        }
        stopped.await();
        return 0;
    }

    private java.util.List<Path> jobWritable() {
        java.util.List<Path> paths = new java.util.ArrayList<>(jobWritableDirs);
        if (demo) {
            paths.add(DemoPipeline.deployRoot(dataDir));
        }
        return paths;
    }

    private ServerConfig.AuthSettings authSettings() {
        String id = adminAccessKeyId == null || adminAccessKeyId.isBlank() ? null : adminAccessKeyId.trim();
        String secret = adminSecretAccessKey == null || adminSecretAccessKey.isBlank() ? null : adminSecretAccessKey.trim();
        return switch (auth.toLowerCase(java.util.Locale.ROOT)) {
            case "sigv4" -> new ServerConfig.AuthSettings(ServerConfig.AuthSettings.Mode.SIGV4, id, secret)
                    .withRequireKnownRoles(requireKnownRoles);
            case "none" -> ServerConfig.AuthSettings.none(); // no administrator key is used (nor made) without authentication
            default -> throw new IllegalArgumentException("--auth takes sigv4 or none, not '" + auth + "'");
        };
    }

    /** Where to look once the demo is there: the client commands first, then the same through the AWS CLI. */
    private String demoGuide(DemoPipeline.Installation installation, String endpoint) {
        String name = DemoPipeline.NAME;
        // The client commands default to port 8420; anywhere else they need to be told where the server is.
        String at = endpoint.equals(ClientOptions.DEFAULT_ENDPOINT) ? "" : " --endpoint " + endpoint;
        List<String[]> commands = List.of(
                new String[] {"bin/conveyor status " + name + at, "stages, actions, statuses, approvals"},
                new String[] {"bin/conveyor logs " + name + " --follow" + at, "what its actions print, live"},
                new String[] {"bin/conveyor run " + name + " --watch" + at, "run it again and watch it"});
        int width = commands.stream().mapToInt(c -> c[0].length()).max().orElse(0);
        StringBuilder guide = new StringBuilder();
        guide.append(installation.created()
                ? "Created the demo pipeline " + name + " and started its first execution " + installation.executionId() + ".\n"
                : "The demo pipeline " + name + " exists already (not started again; the run command below starts it).\n");
        guide.append("It tests, builds and deploys a sample app: Source (s3://").append(DemoSampleApp.BUCKET).append('/')
                .append(DemoSampleApp.KEY).append(") -> Build -> Test -> Deploy into ").append(installation.deployRoot())
                .append("/current\n");
        if (installation.hostsUrl() != null) {
            guide.append("and with CodeDeploy (action ").append(DemoPipeline.HOSTS_ACTION).append(") to ")
                    .append(String.join(", ", dev.conveyor.cli.demo.DemoHosts.HOSTS)).append(" behind the demo HAProxy: curl ")
                    .append(installation.hostsUrl()).append("/\n");
        } else {
            guide.append("(locally only: no demo hosts behind HAProxy, see above)\n");
        }
        guide.append("Where to look:\n");
        commands.forEach(c -> guide.append("  ").append(c[0]).append(" ".repeat(width - c[0].length() + 3)).append(c[1]).append('\n'));
        guide.append("  or with the AWS CLI (export AWS_SHARED_CREDENTIALS_FILE=").append(dataDir.resolve("admin-credentials"))
                .append(" AWS_PROFILE=conveyor-admin AWS_DEFAULT_REGION=").append(region).append("):\n");
        guide.append("  aws codepipeline get-pipeline-state --name ").append(name).append(" --endpoint-url ").append(endpoint).append('\n');
        guide.append("  aws codepipeline list-pipeline-executions --pipeline-name ").append(name).append(" --endpoint-url ").append(endpoint);
        return guide.toString();
    }
}
