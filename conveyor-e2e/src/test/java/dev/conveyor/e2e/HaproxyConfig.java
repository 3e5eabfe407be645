package dev.conveyor.e2e;

import java.util.List;

/** The HAProxy configuration of docs/operations.md, on loopback (the test's ports and stats socket). */
final class HaproxyConfig {
    private HaproxyConfig() {
    }

    static String render(int port, int statsPort, List<String> servers) {
        return """
                global
                  maxconn 4096

                defaults
                  mode http
                  timeout connect 2s
                  # long polls (PollForJobs, agents) and large artifacts
                  timeout client 120s
                  timeout server 120s
                  # a connection a dead replica refused is tried on another; a request it took is never replayed
                  retries 3
                  option redispatch
                  retry-on conn-failure
                  option httpchk GET /readyz
                  http-check expect status 200
                  default-server inter 500ms fall 2 rise 2

                frontend stats
                  bind 127.0.0.1:%d
                  stats enable
                  stats uri /stats

                frontend conveyor
                  bind 127.0.0.1:%d
                  default_backend replicas

                backend replicas
                  balance roundrobin
                %s
                """.formatted(statsPort, port, String.join("\n", servers));
    }
}
