package dev.conveyor.server.connections;

import dev.conveyor.providers.source.GitRemote;
import dev.conveyor.server.git.GitHttpServlet;
import dev.conveyor.server.git.HostedRepositories;
import dev.conveyor.server.git.ServerAddress;
import dev.conveyor.store.source.ConnectionRepository;
import dev.conveyor.store.source.ConnectionRow;
import dev.conveyor.store.source.HostRow;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a source's connection and repository into the git URL to fetch. A connection to a host joins the host's
 * provider endpoint and the repository: {@code file:///srv/git} and {@code team/app} give
 * {@code file:///srv/git/team/app.git} (or {@code …/team/app} when only that exists), {@code https://git.example.com}
 * gives {@code https://git.example.com/team/app.git}, this server's {@code http://…/v1/repos} gives the hosted
 * repository {@code team/app}. A connection without a host reaches its provider's public service (github.com,
 * gitlab.com, bitbucket.org). GitHub version 1 sources use the first host of provider type GitHubEnterpriseServer
 * when there is one, github.com otherwise. Rows are cached for a moment; changes made here are seen at once.
 */
public final class ConnectionResolver {
    private static final Pattern CONNECTION_ARN = Pattern.compile("^arn:aws[^:]*:(codestar-connections|codeconnections):[^:]*:[0-9]{12}:connection/(.+)$");
    private static final Pattern HOST_ARN = Pattern.compile("^arn:aws[^:]*:(codestar-connections|codeconnections):[^:]*:[0-9]{12}:host/(.+)$");
    private static final Map<String, String> PUBLIC_ENDPOINTS = Map.of(
            "GitHub", "https://github.com", "GitLab", "https://gitlab.com", "Bitbucket", "https://bitbucket.org");
    private static final Duration CACHE_FOR = Duration.ofSeconds(2);

    /** Where a source's repository is; {@code hostedRepository} is set when it is one of this server's. */
    public record Resolved(String url, String commitUrlPrefix, String providerType, String hostedRepository) {
        public GitRemote remote() {
            return new GitRemote(url, commitUrlPrefix, providerType);
        }
    }

    private record Cached<T>(T value, Instant at) {
    }

    private final ConnectionRepository repository;
    private final ServerAddress address;
    private final Clock clock;
    private final Map<String, Cached<Optional<ConnectionRow>>> connections = new ConcurrentHashMap<>();
    private final Map<String, Cached<Optional<HostRow>>> hosts = new ConcurrentHashMap<>();
    private volatile Cached<Optional<HostRow>> githubHost;

    public ConnectionResolver(ConnectionRepository repository, ServerAddress address, Clock clock) {
        this.repository = repository;
        this.address = address;
        this.clock = clock;
    }

    /** The id at the end of a connection ARN of either service, or empty when it is not one. */
    public static Optional<String> connectionId(String arn) {
        Matcher m = arn == null ? null : CONNECTION_ARN.matcher(arn);
        return m != null && m.matches() ? Optional.of(m.group(2)) : Optional.empty();
    }

    /** The id at the end of a host ARN of either service, or empty when it is not one. */
    public static Optional<String> hostId(String arn) {
        Matcher m = arn == null ? null : HOST_ARN.matcher(arn);
        return m != null && m.matches() ? Optional.of(m.group(2)) : Optional.empty();
    }

    /** Forgets cached rows (after a change through this server). */
    public void invalidate() {
        connections.clear();
        hosts.clear();
        githubHost = null;
    }

    /** The connection source's repository, or UnresolvableSourceException saying why not. */
    public Resolved resolve(String connectionArn, String fullRepositoryId) {
        String id = connectionId(connectionArn).orElseThrow(() -> new UnresolvableSourceException(
                "ConnectionArn '" + connectionArn + "' is not a connection ARN"));
        ConnectionRow connection = cached(connections, id, () -> repository.findConnection(id)).orElseThrow(() ->
                new UnresolvableSourceException("Connection " + connectionArn + " does not exist"));
        if (!"AVAILABLE".equals(connection.status())) {
            throw new UnresolvableSourceException("Connection " + connectionArn + " is " + connection.status() + ", not AVAILABLE");
        }
        String endpoint;
        if (connection.hostId() != null) {
            HostRow host = cached(hosts, connection.hostId(), () -> repository.findHost(connection.hostId())).orElseThrow(() ->
                    new UnresolvableSourceException("The host of connection " + connectionArn + " does not exist"));
            endpoint = host.providerEndpoint();
        } else {
            endpoint = PUBLIC_ENDPOINTS.get(connection.providerType());
            if (endpoint == null) {
                throw new UnresolvableSourceException("A " + connection.providerType() + " connection needs a host with a provider endpoint");
            }
        }
        return join(endpoint, fullRepositoryId, connection.providerType());
    }

    /** A GitHub (version 1) source's repository {@code owner/repo}. */
    public Resolved github(String owner, String repo) {
        Cached<Optional<HostRow>> host = githubHost;
        if (host == null || clock.instant().isAfter(host.at().plus(CACHE_FOR))) {
            Optional<HostRow> first = repository.listHosts(100, null).items().stream()
                    .filter(h -> "GitHubEnterpriseServer".equals(h.providerType()))
                    .min(java.util.Comparator.comparing(HostRow::createdAt));
            host = new Cached<>(first, clock.instant());
            githubHost = host;
        }
        String endpoint = host.value().map(HostRow::providerEndpoint).orElse(PUBLIC_ENDPOINTS.get("GitHub"));
        return join(endpoint, owner + "/" + repo, "GitHub");
    }

    /** Whether a provider endpoint can be used at all (its scheme is one git can fetch from). */
    public static boolean usableEndpoint(String endpoint) {
        return endpoint.startsWith("https://") || endpoint.startsWith("http://") || endpoint.startsWith("file:/")
                || endpoint.startsWith("ssh://") || endpoint.matches("^[A-Za-z0-9._-]+@[^:/]+:.*");
    }

    Resolved join(String rawEndpoint, String repository, String providerType) {
        if (repository == null || repository.isBlank() || repository.contains("..")) {
            throw new UnresolvableSourceException("'" + repository + "' is not a repository id (owner/name)");
        }
        String repo = repository.endsWith(".git") ? repository.substring(0, repository.length() - 4) : repository;
        String endpoint = rawEndpoint.endsWith("/") ? rawEndpoint.substring(0, rawEndpoint.length() - 1) : rawEndpoint;
        if (endpoint.startsWith("file:")) {
            Path base = Path.of(URI.create(endpoint));
            Path bare = base.resolve(repo + ".git");
            Path chosen = Files.exists(bare) || !Files.exists(base.resolve(repo)) ? bare : base.resolve(repo);
            return new Resolved(chosen.toUri().toString(), null, providerType, null);
        }
        if (endpoint.startsWith("http://") || endpoint.startsWith("https://")) {
            URI uri = URI.create(endpoint);
            String path = uri.getPath() == null ? "" : uri.getPath();
            if (address.isThisServer(uri) && path.equals(GitHttpServlet.PATH)) {
                String name = HostedRepositories.normalize(repo).orElseThrow(() ->
                        new UnresolvableSourceException("'" + repository + "' is not a valid hosted repository name"));
                String url = address.repositoryUrl(name).orElse(endpoint + "/" + name);
                return new Resolved(url, url + "/commit/", providerType, name);
            }
            String web = endpoint + "/" + repo;
            String commitPath = providerType != null && providerType.startsWith("GitLab") ? "/-/commit/"
                    : "Bitbucket".equals(providerType) ? "/commits/" : "/commit/";
            return new Resolved(web + ".git", web + commitPath, providerType, null);
        }
        if (usableEndpoint(endpoint)) {
            String separator = endpoint.endsWith(":") ? "" : "/";
            return new Resolved(endpoint + separator + repo + ".git", null, providerType, null);
        }
        throw new UnresolvableSourceException("Provider endpoint '" + rawEndpoint + "' is not an https, http, ssh or file URL");
    }

    private <T> Optional<T> cached(Map<String, Cached<Optional<T>>> cache, String key, Supplier<Optional<T>> load) {
        Cached<Optional<T>> hit = cache.get(key);
        Instant now = clock.instant();
        if (hit != null && !now.isAfter(hit.at().plus(CACHE_FOR))) {
            return hit.value();
        }
        Optional<T> value = load.get();
        cache.put(key, new Cached<>(value, now));
        return value;
    }
}
