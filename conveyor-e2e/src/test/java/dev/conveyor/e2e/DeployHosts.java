package dev.conveyor.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Hosts for deployment tests on one machine: each a {@code conveyor agent --deploy-instance-name host-N} process with
 * its own APP_HOME and APP_PORT in its environment (the hooks read them), and the revision bundles of a tiny web
 * application (Python's http.server serving a {@code version} file) that the hooks stop, install, start and validate.
 */
final class DeployHosts implements AutoCloseable {
    /** One host: its instance name, port, application home and agent process. */
    record Host(String name, int port, Path appHome, Process agent, Path log) {
    }

    private final List<Host> hosts = new ArrayList<>();

    Host start(String server, Path dir, String name, int port, Map<String, String> tags) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name));
        Path appHome = Files.createDirectories(home.resolve("app"));
        List<String> command = PackagedCli.command(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), "agent",
                "--server", server, "--name", name, "--work-dir", home.resolve("agent").toString(), "--capacity", "1",
                "--deploy-instance-name", name);
        tags.forEach((k, v) -> command.addAll(List.of("--deploy-tag", k + "=" + v)));
        Path log = home.resolve("agent.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("APP_HOME", appHome.toString());
        builder.environment().put("APP_PORT", Integer.toString(port));
        TestEnvironment.signWithTestCredentials(builder); // the agent signs its calls, as the AWS CLI does
        Host host = new Host(name, port, appHome, builder.start(), log);
        hosts.add(host);
        return host;
    }

    List<Host> hosts() {
        return hosts;
    }

    /** SIGKILL of a host's agent, as a crashed machine. */
    static void kill(Host host) throws InterruptedException {
        host.agent().destroyForcibly();
        host.agent().waitFor(30, TimeUnit.SECONDS);
    }

    static final String APPSPEC = """
            version: 0.0
            os: linux
            hooks:
              ApplicationStop:
                - location: scripts/stop.sh
                  timeout: 30
              AfterInstall:
                - location: scripts/install.sh
                  timeout: 30
              ApplicationStart:
                - location: scripts/start.sh
                  timeout: 30
              ValidateService:
                - location: scripts/validate.sh
                  timeout: 30
            """;

    static final String STOP = """
            #!/bin/sh
            # Stops the application this host runs (whatever its version), and waits until it is gone.
            echo "$LIFECYCLE_EVENT $DEPLOYMENT_ID $APPLICATION_NAME $DEPLOYMENT_GROUP_NAME $DEPLOYMENT_GROUP_ID" >> "$APP_HOME/events.log"
            [ -f "$APP_HOME/app.pid" ] || exit 0
            pid=$(cat "$APP_HOME/app.pid")
            kill "$pid" 2>/dev/null || true
            for i in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
            rm -f "$APP_HOME/app.pid"
            echo "stopped $pid"
            """;

    static final String INSTALL = """
            #!/bin/sh
            set -e
            echo "$LIFECYCLE_EVENT $DEPLOYMENT_ID $APPLICATION_NAME $DEPLOYMENT_GROUP_NAME $DEPLOYMENT_GROUP_ID" >> "$APP_HOME/events.log"
            rm -rf "$APP_HOME/current"
            cp -r site "$APP_HOME/current"
            echo "installed $(cat site/version) in $APP_HOME/current"
            """;

    static final String START = """
            #!/bin/sh
            echo "$LIFECYCLE_EVENT $DEPLOYMENT_ID $APPLICATION_NAME $DEPLOYMENT_GROUP_NAME $DEPLOYMENT_GROUP_ID" >> "$APP_HOME/events.log"
            # A host deployed by another group keeps that group's application (ApplicationStop runs the previous revision
            # *of this group*, as CodeDeploy's): one application per host here, so the one running stops first.
            if [ -f "$APP_HOME/app.pid" ]; then
              old=$(cat "$APP_HOME/app.pid"); kill "$old" 2>/dev/null || true
              for i in $(seq 200); do kill -0 "$old" 2>/dev/null || break; sleep 0.05; done
            fi
            cd "$APP_HOME/current"
            setsid /usr/bin/python3 -m http.server "$APP_PORT" --bind 127.0.0.1 > "$APP_HOME/app.log" 2>&1 < /dev/null &
            echo $! > "$APP_HOME/app.pid"
            echo "started $(cat version) on port $APP_PORT"
            """;

    static final String VALIDATE = """
            #!/bin/sh
            echo "$LIFECYCLE_EVENT $DEPLOYMENT_ID $APPLICATION_NAME $DEPLOYMENT_GROUP_NAME $DEPLOYMENT_GROUP_ID" >> "$APP_HOME/events.log"
            want=$(cat site/version)
            for i in $(seq 200); do
              got=$(curl -sf "http://127.0.0.1:$APP_PORT/version" || true)
              [ "$got" = "$want" ] && echo "serving $want" && exit 0
              sleep 0.05
            done
            echo "ValidateService: port $APP_PORT answers '$got', not $want"
            exit 1
            """;

    static final String FAILING_VALIDATE = """
            #!/bin/sh
            echo "$LIFECYCLE_EVENT $DEPLOYMENT_ID $APPLICATION_NAME $DEPLOYMENT_GROUP_NAME $DEPLOYMENT_GROUP_ID" >> "$APP_HOME/events.log"
            echo "health check failed: /health answers 500 (database migration missing)"
            exit 1
            """;

    /** A revision of the web application serving {@code version}. */
    static Path bundle(Path dir, String version, boolean validates) throws IOException {
        return zip(dir.resolve("web-" + version + ".zip"), Map.of("appspec.yml", APPSPEC, "scripts/stop.sh", STOP, "scripts/install.sh", INSTALL,
                "scripts/start.sh", START, "scripts/validate.sh", validates ? VALIDATE : FAILING_VALIDATE, "site/version", version));
    }

    static Path zip(Path zip, Map<String, String> files) throws IOException {
        Files.createDirectories(zip.getParent());
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (var f : new java.util.TreeMap<>(files).entrySet()) {
                out.putNextEntry(new ZipEntry(f.getKey()));
                out.write(f.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return zip;
    }

    @Override
    public void close() {
        for (Host host : hosts) {
            host.agent().destroy();
        }
        for (Host host : hosts) {
            try {
                if (!host.agent().waitFor(15, TimeUnit.SECONDS)) {
                    host.agent().destroyForcibly();
                }
                Path pid = host.appHome().resolve("app.pid");
                if (Files.exists(pid)) { // the application a hook started (setsid: not the agent's child any more)
                    ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).ifPresent(ProcessHandle::destroy);
                }
            } catch (IOException | InterruptedException | NumberFormatException e) {
                // best effort
            }
        }
    }
}
