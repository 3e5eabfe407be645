package dev.conveyor.server.connections;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.errors.InvalidNextTokenException;
import dev.conveyor.model.errors.ResourceNotFoundException;
import dev.conveyor.model.errors.ValidationException;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.model.pipeline.Tag;
import dev.conveyor.server.codepipeline.PageTokens;
import dev.conveyor.server.protocol.JsonOperation;
import dev.conveyor.server.protocol.RequestContext;
import dev.conveyor.store.Page;
import dev.conveyor.store.TagRepository;
import dev.conveyor.store.source.ConnectionRepository;
import dev.conveyor.store.source.ConnectionRow;
import dev.conveyor.store.source.HostRow;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The subset of the CodeConnections API that sources need, served under both of its names (CodeConnections and
 * the older CodeStar connections, which differ only in ARN prefix and target): CreateHost, GetHost, ListHosts,
 * DeleteHost, CreateConnection, GetConnection, ListConnections, DeleteConnection and the tagging operations.
 * Conveyor needs no OAuth handshake, so connections and hosts are AVAILABLE as soon as they are created, unless
 * they name something git cannot reach (a provider without a public service and no host): PENDING.
 */
public final class ConnectionOperations {
    private static final String HOSTS_LISTING = "hosts";
    private static final String CONNECTIONS_LISTING = "connections";

    private final ConnectionRepository repository;
    private final TagRepository tags;
    private final ConnectionResolver resolver;
    private final String arnPrefix;
    private final String accountId;
    private final Clock clock;

    /** @param service the ARN service name: {@code codeconnections} or {@code codestar-connections} */
    public ConnectionOperations(ConnectionRepository repository, TagRepository tags, ConnectionResolver resolver, String service,
                                String region, String accountId, Clock clock) {
        this.repository = repository;
        this.tags = tags;
        this.resolver = resolver;
        this.arnPrefix = "arn:aws:" + service + ":" + region + ":" + accountId + ":";
        this.accountId = accountId;
        this.clock = clock;
    }

    public Map<String, JsonOperation> operations() {
        return Map.ofEntries(
                Map.entry("CreateHost", this::createHost),
                Map.entry("GetHost", this::getHost),
                Map.entry("ListHosts", this::listHosts),
                Map.entry("DeleteHost", this::deleteHost),
                Map.entry("CreateConnection", this::createConnection),
                Map.entry("GetConnection", this::getConnection),
                Map.entry("ListConnections", this::listConnections),
                Map.entry("DeleteConnection", this::deleteConnection),
                Map.entry("TagResource", this::tagResource),
                Map.entry("UntagResource", this::untagResource),
                Map.entry("ListTagsForResource", this::listTagsForResource));
    }

    JsonNode createHost(JsonNode input, RequestContext context) {
        String name = input.get("Name").asText();
        String endpoint = input.get("ProviderEndpoint").asText();
        if (!ConnectionResolver.usableEndpoint(endpoint)) {
            throw new ValidationException("ProviderEndpoint '" + endpoint + "' must be an https, http, ssh or file URL", "ProviderEndpoint");
        }
        String slug = name.replaceAll("[^A-Za-z0-9-]", "-");
        String id = slug.substring(0, Math.min(slug.length(), 50)) + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        String arn = arnPrefix + "host/" + id;
        repository.createHost(new HostRow(id, arn, name, input.get("ProviderType").asText(), endpoint, "AVAILABLE", clock.instant()));
        List<Tag> given = tags(input.get("Tags"));
        tags.tag(arn, given);
        resolver.invalidate();
        ObjectNode out = object().put("HostArn", arn);
        out.set("Tags", tagArray(given));
        return out;
    }

    JsonNode getHost(JsonNode input, RequestContext context) {
        HostRow host = host(input.get("HostArn").asText());
        return object().put("Name", host.name()).put("Status", host.status()).put("ProviderType", host.providerType())
                .put("ProviderEndpoint", host.providerEndpoint());
    }

    JsonNode listHosts(JsonNode input, RequestContext context) {
        int max = maxResults(input);
        Page<HostRow> page = repository.listHosts(max, afterKey(HOSTS_LISTING, input));
        ObjectNode out = object();
        ArrayNode hosts = out.putArray("Hosts");
        for (HostRow h : page.items()) {
            hosts.addObject().put("Name", h.name()).put("HostArn", h.arn()).put("ProviderType", h.providerType())
                    .put("ProviderEndpoint", h.providerEndpoint()).put("Status", h.status());
        }
        putToken(out, HOSTS_LISTING, page.nextKey());
        return out;
    }

    JsonNode deleteHost(JsonNode input, RequestContext context) {
        HostRow host = host(input.get("HostArn").asText());
        int users = repository.connectionsOfHost(host.id());
        if (users > 0 || !repository.deleteHost(host.id())) {
            throw new ResourceUnavailableException("Host " + host.arn() + " is used by " + users + " connection(s); delete them first");
        }
        tags.untag(host.arn(), tags.list(host.arn()).stream().map(Tag::key).toList());
        resolver.invalidate();
        return object();
    }

    JsonNode createConnection(JsonNode input, RequestContext context) {
        String name = input.get("ConnectionName").asText();
        String hostArn = input.path("HostArn").asText(null);
        String providerType = input.path("ProviderType").asText(null);
        HostRow host = null;
        if (hostArn != null) {
            host = host(hostArn);
            if (providerType != null && !providerType.equals(host.providerType())) {
                throw new ValidationException("ProviderType " + providerType + " does not match the host's provider type "
                        + host.providerType(), "ProviderType");
            }
            providerType = host.providerType();
        } else if (providerType == null) {
            throw new ValidationException("A connection needs a ProviderType or a HostArn", "ProviderType");
        }
        boolean usable = host != null || List.of("GitHub", "GitLab", "Bitbucket").contains(providerType);
        String id = UUID.randomUUID().toString();
        String arn = arnPrefix + "connection/" + id;
        repository.createConnection(new ConnectionRow(id, arn, name, providerType, host == null ? null : host.id(),
                usable ? "AVAILABLE" : "PENDING", clock.instant()));
        List<Tag> given = tags(input.get("Tags"));
        tags.tag(arn, given);
        resolver.invalidate();
        ObjectNode out = object().put("ConnectionArn", arn);
        out.set("Tags", tagArray(given));
        return out;
    }

    JsonNode getConnection(JsonNode input, RequestContext context) {
        ObjectNode out = object();
        out.set("Connection", describe(connection(input.get("ConnectionArn").asText())));
        return out;
    }

    JsonNode listConnections(JsonNode input, RequestContext context) {
        int max = maxResults(input);
        String hostId = null;
        if (input.hasNonNull("HostArnFilter")) {
            hostId = ConnectionResolver.hostId(input.get("HostArnFilter").asText()).orElse("\u0000none");
        }
        Page<ConnectionRow> page = repository.listConnections(input.path("ProviderTypeFilter").asText(null), hostId, max,
                afterKey(CONNECTIONS_LISTING, input));
        ObjectNode out = object();
        ArrayNode list = out.putArray("Connections");
        page.items().forEach(c -> list.add(describe(c)));
        putToken(out, CONNECTIONS_LISTING, page.nextKey());
        return out;
    }

    JsonNode deleteConnection(JsonNode input, RequestContext context) {
        ConnectionRow connection = connection(input.get("ConnectionArn").asText());
        repository.deleteConnection(connection.id());
        tags.untag(connection.arn(), tags.list(connection.arn()).stream().map(Tag::key).toList());
        resolver.invalidate();
        return object();
    }

    JsonNode tagResource(JsonNode input, RequestContext context) {
        tags.tag(resourceArn(input.get("ResourceArn").asText()), tags(input.get("Tags")));
        return object();
    }

    JsonNode untagResource(JsonNode input, RequestContext context) {
        List<String> keys = new ArrayList<>();
        input.path("TagKeys").forEach(k -> keys.add(k.asText()));
        tags.untag(resourceArn(input.get("ResourceArn").asText()), keys);
        return object();
    }

    JsonNode listTagsForResource(JsonNode input, RequestContext context) {
        ObjectNode out = object();
        out.set("Tags", tagArray(tags.list(resourceArn(input.get("ResourceArn").asText()))));
        return out;
    }

    /** The stored ARN of the host or connection an ARN of either service names. */
    private String resourceArn(String arn) {
        Optional<String> connectionId = ConnectionResolver.connectionId(arn);
        if (connectionId.isPresent()) {
            return connection(arn).arn();
        }
        if (ConnectionResolver.hostId(arn).isPresent()) {
            return host(arn).arn();
        }
        throw new ResourceNotFoundException("Resource " + arn + " does not exist", "ResourceArn");
    }

    private ObjectNode describe(ConnectionRow c) {
        ObjectNode node = object().put("ConnectionName", c.name()).put("ConnectionArn", c.arn()).put("ProviderType", c.providerType())
                .put("OwnerAccountId", accountId).put("ConnectionStatus", c.status());
        if (c.hostId() != null) {
            repository.findHost(c.hostId()).ifPresent(h -> node.put("HostArn", h.arn()));
        }
        return node;
    }

    private HostRow host(String arn) {
        return ConnectionResolver.hostId(arn).flatMap(repository::findHost)
                .orElseThrow(() -> new ResourceNotFoundException("Host " + arn + " does not exist", "HostArn"));
    }

    private ConnectionRow connection(String arn) {
        return ConnectionResolver.connectionId(arn).flatMap(repository::findConnection)
                .orElseThrow(() -> new ResourceNotFoundException("Connection " + arn + " does not exist", "ConnectionArn"));
    }

    private static int maxResults(JsonNode input) {
        int max = input.hasNonNull("MaxResults") ? input.get("MaxResults").asInt() : 100;
        return max <= 0 ? 100 : max;
    }

    private static void putToken(ObjectNode out, String listing, String nextKey) {
        if (nextKey != null) {
            out.put("NextToken", PageTokens.encode(listing, nextKey));
        }
    }

    private static List<Tag> tags(JsonNode node) {
        List<Tag> result = new ArrayList<>();
        if (node != null) {
            node.forEach(t -> result.add(new Tag(t.get("Key").asText(), t.get("Value").asText())));
        }
        return result;
    }

    private static ArrayNode tagArray(List<Tag> list) {
        ArrayNode array = ConveyorJson.mapper().createArrayNode();
        list.forEach(t -> array.addObject().put("Key", t.key()).put("Value", t.value()));
        return array;
    }

    private static ObjectNode object() {
        return ConveyorJson.mapper().createObjectNode();
    }

    /**
     * The key a listing's NextToken continues after. The connections models give ListHosts and ListConnections no
     * InvalidNextTokenException, so a bad token is the generic ValidationException there.
     */
    private static String afterKey(String listing, JsonNode input) {
        try {
            return PageTokens.decode(listing, input.path("NextToken").asText(null));
        } catch (InvalidNextTokenException e) {
            throw new ValidationException("The NextToken is not valid", "NextToken");
        }
    }

}
