package dev.conveyor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * What the CodeDeploy agent side does with files and faults, one host, no load balancer: files copied with their
 * permissions and the previous install's files removed; a YAML error, a missing script, a hook past its timeout, a
 * revision without appspec and an unknown group each a clear error; an agent killed mid-hook fails its target; a
 * server killed mid-deployment finishes it after its restart.
 */
@Execution(ExecutionMode.CONCURRENT) // its tests are independent: they share the pool with other classes (junit-platform.properties)
class CodeDeployFaultsTest {
    @TempDir
    Path work;

    private AwsCli aws;

    private void setUp(ConveyorProcess server) throws Exception {
        aws = new AwsCli(server.endpoint(), Files.createDirectories(work.resolve("cli")));
        aws.succeed("s3", "mb", "s3://releases");
        aws.ok("deploy", "create-application", "--application-name", "solo");
        aws.ok("deploy", "create-deployment-group", "--application-name", "solo", "--deployment-group-name", "solo",
                "--service-role-arn", "arn:aws:iam::000000000000:role/cd", "--deployment-config-name", "CodeDeployDefault.AllAtOnce",
                "--on-premises-instance-tag-filters", "Key=app,Value=solo,Type=KEY_AND_VALUE");
    }

    private DeployHosts.Host agent(DeployHosts hosts, String server) throws Exception {
        DeployHosts.Host host = hosts.start(server, work.resolve("hosts"), "solo-1", Haproxy.freePort(), Map.of("app", "solo"));
        Instant until = Instant.now().plus(Duration.ofSeconds(90));
        while (aws.ok("deploy", "list-on-premises-instances", "--tag-filters", "Key=app,Value=solo,Type=KEY_AND_VALUE")
                .path("instanceNames").isEmpty()) {
            assertThat(Instant.now()).as("the agent registered").isBefore(until);
            Thread.sleep(250);
        }
        return host;
    }

    private String deploy(String name, Map<String, String> files, String... extra) throws Exception {
        Path zip = DeployHosts.zip(work.resolve("bundles").resolve(name + ".zip"), files);
        aws.succeed("s3", "cp", zip.toString(), "s3://releases/" + name + ".zip");
        List<String> args = new ArrayList<>(List.of("deploy", "create-deployment", "--application-name", "solo", "--deployment-group-name", "solo",
                "--s3-location", "bucket=releases,key=" + name + ".zip,bundleType=zip"));
        args.addAll(List.of(extra));
        return aws.ok(args.toArray(String[]::new)).path("deploymentId").asText();
    }

    private JsonNode awaitEnd(String id, ConveyorProcess server) throws Exception {
        Instant until = Instant.now().plus(Duration.ofMinutes(2));
        while (true) {
            JsonNode info = aws.ok("deploy", "get-deployment", "--deployment-id", id).path("deploymentInfo");
            if (List.of("Succeeded", "Failed", "Stopped").contains(info.path("status").asText())) {
                return info;
            }
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("deployment " + id + " did not end: " + info + "\n" + server.output());
            }
            Thread.sleep(250);
        }
    }

    private JsonNode target(String id) throws Exception {
        return aws.ok("deploy", "batch-get-deployment-targets", "--deployment-id", id, "--target-ids", "solo-1")
                .at("/deploymentTargets/0/instanceTarget");
    }

    private static JsonNode event(JsonNode target, String name) {
        for (JsonNode e : target.path("lifecycleEvents")) {
            if (name.equals(e.path("lifecycleEventName").asText())) {
                return e;
            }
        }
        throw new AssertionError("no event " + name + " in " + target);
    }

    private String appSpec(String hooks) {
        return "version: 0.0\nos: linux\n" + hooks;
    }

    @Test
    void filesArePlacedWithTheirPermissionsAndThePreviousInstallsFilesRemoved() throws Exception {
        Path www = work.resolve("www");
        try (ConveyorProcess server = ConveyorProcess.start(work.resolve("data")); DeployHosts hosts = new DeployHosts()) {
            setUp(server);
            agent(hosts, server.endpoint());
            String files = """
                    files:
                      - source: site
                        destination: %s
                    permissions:
                      - object: %s
                        pattern: "*.html"
                        mode: 640
                        type: [file]
                    hooks:
                      AfterInstall:
                        - location: hooks/after.sh
                    """.formatted(www, www);
            String after = "#!/bin/sh\necho \"$LIFECYCLE_EVENT of $DEPLOYMENT_ID for $APPLICATION_NAME/$DEPLOYMENT_GROUP_NAME\" > " + work.resolve("after.txt") + "\n";
            String first = deploy("site-1", Map.of("appspec.yml", appSpec(files), "hooks/after.sh", after,
                    "site/index.html", "<h1>one</h1>", "site/old.txt", "old", "site/css/app.css", "body{}"));
            assertThat(awaitEnd(first, server).path("status").asText()).isEqualTo("Succeeded");
            assertThat(Files.readString(www.resolve("index.html"))).isEqualTo("<h1>one</h1>");
            assertThat(Files.readString(www.resolve("css/app.css"))).isEqualTo("body{}");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(www.resolve("index.html")))).isEqualTo("rw-r-----");
            assertThat(Files.readString(work.resolve("after.txt"))).isEqualTo("AfterInstall of " + first + " for solo/solo\n");

            String second = deploy("site-2", Map.of("appspec.yml", appSpec(files), "hooks/after.sh", after,
                    "site/index.html", "<h1>two</h1>", "site/new.txt", "new"));
            assertThat(awaitEnd(second, server).path("status").asText()).isEqualTo("Succeeded");
            assertThat(www.resolve("old.txt")).as("the previous install's file is gone").doesNotExist();
            assertThat(www.resolve("css")).as("and its directory").doesNotExist();
            assertThat(Files.readString(www.resolve("new.txt"))).isEqualTo("new");

            // A file Conveyor did not install stands where a revision puts one: DISALLOW fails, OVERWRITE replaces it.
            Files.writeString(www.resolve("extra.txt"), "mine");
            Map<String, String> third = Map.of("appspec.yml", appSpec(files), "hooks/after.sh", after, "site/index.html", "<h1>three</h1>",
                    "site/extra.txt", "theirs");
            String refused = deploy("site-3", third);
            JsonNode failed = awaitEnd(refused, server);
            assertThat(failed.path("status").asText()).isEqualTo("Failed");
            JsonNode install = event(target(refused), "Install");
            assertThat(install.path("status").asText()).isEqualTo("Failed");
            assertThat(install.at("/diagnostics/message").asText()).contains("already exists").contains("extra.txt");
            assertThat(Files.readString(www.resolve("extra.txt"))).isEqualTo("mine");
            String overwrite = deploy("site-3", third, "--file-exists-behavior", "OVERWRITE");
            assertThat(awaitEnd(overwrite, server).path("status").asText()).isEqualTo("Succeeded");
            assertThat(Files.readString(www.resolve("extra.txt"))).isEqualTo("theirs");
        }
    }

    @Test
    void badRevisionsAndHooksFailWithClearErrors() throws Exception {
        try (ConveyorProcess server = ConveyorProcess.start(work.resolve("data")); DeployHosts hosts = new DeployHosts()) {
            setUp(server);
            agent(hosts, server.endpoint());

            String yaml = deploy("bad-yaml", Map.of("appspec.yml", "version: 0.0\nos: linux\nhooks: [AfterInstall\n  - location: x\n"));
            assertThat(awaitEnd(yaml, server).path("status").asText()).isEqualTo("Failed");
            JsonNode download = event(target(yaml), "DownloadBundle");
            assertThat(download.path("status").asText()).isEqualTo("Failed");
            assertThat(download.at("/diagnostics/message").asText()).contains("not valid YAML").contains("line");

            String missing = deploy("missing-script", Map.of("appspec.yml", appSpec("hooks:\n  AfterInstall:\n    - location: scripts/nope.sh\n")));
            JsonNode missingEnd = awaitEnd(missing, server);
            assertThat(missingEnd.path("errorInformation").path("message").asText()).contains("AfterInstall");
            JsonNode afterInstall = event(target(missing), "AfterInstall");
            assertThat(afterInstall.at("/diagnostics/errorCode").asText()).isEqualTo("ScriptMissing");
            assertThat(afterInstall.at("/diagnostics/message").asText()).contains("scripts/nope.sh");

            Instant started = Instant.now();
            String hangs = deploy("hangs", Map.of("appspec.yml", appSpec("hooks:\n  ApplicationStart:\n    - location: scripts/hang.sh\n      timeout: 2\n"),
                    "scripts/hang.sh", "#!/bin/sh\necho waiting forever\nsleep 600\n"));
            assertThat(awaitEnd(hangs, server).path("status").asText()).isEqualTo("Failed");
            assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(60));
            JsonNode start = event(target(hangs), "ApplicationStart");
            assertThat(start.at("/diagnostics/errorCode").asText()).isEqualTo("ScriptTimedOut");
            assertThat(start.at("/diagnostics/message").asText()).contains("2 seconds");
            assertThat(start.at("/diagnostics/logTail").asText()).contains("waiting forever");

            String bare = deploy("no-appspec", Map.of("README.md", "no appspec here"));
            assertThat(awaitEnd(bare, server).path("status").asText()).isEqualTo("Failed");
            assertThat(event(target(bare), "DownloadBundle").at("/diagnostics/message").asText()).contains("no appspec.yml");

            AwsCli.Result unknown = aws.run("deploy", "create-deployment", "--application-name", "solo", "--deployment-group-name", "nope",
                    "--s3-location", "bucket=releases,key=hangs.zip,bundleType=zip");
            assertThat(unknown.exitCode()).isNotZero();
            assertThat(unknown.stderr()).contains("DeploymentGroupDoesNotExistException").contains("nope");
            AwsCli.Result noRevision = aws.run("deploy", "create-deployment", "--application-name", "solo", "--deployment-group-name", "solo",
                    "--s3-location", "bucket=releases,key=absent.zip,bundleType=zip");
            assertThat(noRevision.stderr()).contains("InvalidRevisionException").contains("absent.zip");
        }
    }

    @Test
    void anAgentKilledMidHookFailsItsTargetAndAServerKilledMidDeploymentFinishesItAfterItsRestart() throws Exception {
        int port = Haproxy.freePort();
        Path data = work.resolve("data");
        ConveyorProcess server = ConveyorProcess.startOnPort(data, port, "--deploy-agent-timeout-seconds", "5");
        try (DeployHosts hosts = new DeployHosts()) {
            setUp(server);
            DeployHosts.Host host = agent(hosts, server.endpoint());
            String slow = deploy("slow", Map.of("appspec.yml", appSpec("hooks:\n  ApplicationStart:\n    - location: scripts/slow.sh\n"),
                    "scripts/slow.sh", "#!/bin/sh\necho started > " + work.resolve("slow-started") + "\nsleep 20\n"));
            awaitFile(work.resolve("slow-started"));
            DeployHosts.kill(host);
            JsonNode lost = awaitEnd(slow, server);
            assertThat(lost.path("status").asText()).isEqualTo("Failed");
            JsonNode start = event(target(slow), "ApplicationStart");
            assertThat(start.path("status").asText()).isEqualTo("Failed");
            assertThat(start.at("/diagnostics/message").asText()).contains("solo-1").contains("stopped responding");
            assertThat(event(target(slow), "ValidateService").path("status").asText()).isEqualTo("Skipped");

            // The host comes back; a deployment is underway when the server is killed, and goes on after its restart.
            hosts.start(server.endpoint(), work.resolve("hosts"), "solo-1", Haproxy.freePort(), Map.of("app", "solo"));
            String resumed = deploy("resumed", Map.of("appspec.yml", appSpec("hooks:\n  AfterInstall:\n    - location: scripts/wait.sh\n"),
                    "scripts/wait.sh", "#!/bin/sh\necho waiting > " + work.resolve("wait-started") + "\nsleep 4\necho done\n"));
            awaitFile(work.resolve("wait-started"));
            server.kill();
            server = ConveyorProcess.startOnPort(data, port, "--deploy-agent-timeout-seconds", "5");
            JsonNode end = awaitEnd(resumed, server);
            assertThat(end.path("status").asText()).as(end.toString()).isEqualTo("Succeeded");
            JsonNode after = event(target(resumed), "AfterInstall");
            assertThat(after.path("status").asText()).isEqualTo("Succeeded");
            assertThat(after.at("/diagnostics/logTail").asText()).contains("done");
        } finally {
            server.close();
        }
    }

    private static void awaitFile(Path file) throws InterruptedException {
        Instant until = Instant.now().plus(Duration.ofSeconds(90));
        while (!Files.exists(file)) {
            assertThat(Instant.now()).as("%s appears", file).isBefore(until);
            Thread.sleep(100);
        }
    }
}
