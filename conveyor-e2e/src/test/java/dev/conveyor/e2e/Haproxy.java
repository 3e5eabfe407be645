package dev.conveyor.e2e;

import dev.conveyor.deploy.haproxy.HaproxyRuntime;
import dev.conveyor.deploy.haproxy.LoopbackHaproxy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A real HAProxy (Debian's package) on loopback ({@link LoopbackHaproxy}): one backend named as the deployment group's
 * target group, a server per host named as the host's on-premises instance, every server starting disabled (nothing
 * is installed yet). Its runtime API socket is what the Conveyor server is given with --haproxy-socket; the tests read
 * the servers' states back through the same API.
 */
final class Haproxy implements AutoCloseable {
    private final LoopbackHaproxy haproxy;
    private final HaproxyRuntime runtime;

    private Haproxy(LoopbackHaproxy haproxy) {
        this.haproxy = haproxy;
        this.runtime = new HaproxyRuntime(haproxy.socket());
    }

    static Haproxy start(Path dir, String backend, List<String> servers, List<Integer> ports) throws Exception {
        ConveyorProcess.requireCommand("haproxy");
        List<LoopbackHaproxy.Server> disabled = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            disabled.add(new LoopbackHaproxy.Server(servers.get(i), ports.get(i), false));
        }
        return new Haproxy(LoopbackHaproxy.start(dir, dir.resolve("admin.sock"), backend, disabled));
    }

    static int freePort() throws IOException {
        return LoopbackHaproxy.freePort();
    }

    Path socket() {
        return haproxy.socket();
    }

    String url() {
        return haproxy.url();
    }

    /** Each server's status in the backend, e.g. {@code host-1=UP}, {@code host-2=MAINT}, {@code host-3=DRAIN}. */
    Map<String, String> statuses(String backend) {
        Map<String, String> statuses = new TreeMap<>();
        // Without health checks an enabled server reads "no check"; a disabled one "MAINT", a draining one "DRAIN…".
        runtime.servers(backend).forEach((server, state) ->
                statuses.put(server, state.startsWith("MAINT") ? "MAINT" : state.startsWith("DRAIN") ? "DRAIN" : "UP"));
        return statuses;
    }

    @Override
    public void close() {
        haproxy.close();
    }
}
