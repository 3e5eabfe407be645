package dev.conveyor.server.git;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * How this server is reached: the base URL it gives out in clone URLs, webhook URLs and revision URLs (the
 * configured public URL, else its listener's address), and whether a URL points back at it (a connection whose
 * host is this server's {@code /v1/repos} reads the hosted repositories, and pushes to them trigger it).
 */
public final class ServerAddress {
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1", "0.0.0.0");

    private final String publicUrl;
    private volatile String listenerUrl;
    private volatile int port = -1;

    /** @param publicUrl the base URL clients and agents use (e.g. {@code https://ci.example.com}), or null */
    public ServerAddress(String publicUrl) {
        this.publicUrl = publicUrl == null || publicUrl.isBlank() ? null : stripSlash(publicUrl);
    }

    /** Records the listener's address once it is bound. */
    public void listening(String endpoint, int boundPort) {
        this.listenerUrl = stripSlash(endpoint);
        this.port = boundPort;
    }

    /** The base URL, e.g. {@code http://127.0.0.1:8420}; empty before the listener is bound (unless configured). */
    public Optional<String> baseUrl() {
        return Optional.ofNullable(publicUrl != null ? publicUrl : listenerUrl);
    }

    /** The clone URL of a hosted repository. */
    public Optional<String> repositoryUrl(String name) {
        return baseUrl().map(b -> b + GitHttpServlet.PATH + "/" + name);
    }

    /** Whether {@code url} (scheme, host and port) is this server. */
    public boolean isThisServer(URI url) {
        if (url.getHost() == null || url.getScheme() == null || !url.getScheme().startsWith("http")) {
            return false;
        }
        int urlPort = url.getPort() != -1 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
        String host = url.getHost().toLowerCase(Locale.ROOT);
        if (publicUrl != null) {
            URI mine = URI.create(publicUrl);
            int myPort = mine.getPort() != -1 ? mine.getPort() : "https".equals(mine.getScheme()) ? 443 : 80;
            if (host.equalsIgnoreCase(mine.getHost()) && urlPort == myPort) {
                return true;
            }
        }
        if (listenerUrl != null && urlPort == port) {
            return LOOPBACK.contains(host) || host.equalsIgnoreCase(URI.create(listenerUrl).getHost());
        }
        return false;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
