package dev.conveyor.providers.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.engine.agent.ActionJob;
import dev.conveyor.model.json.ConveyorJson;

/**
 * Where a git source's repository is, as the server resolved it when it queued the job (a CodeCommit repository
 * it hosts, or the host of a connection): the URL to fetch from, the prefix of a commit's web URL (the commit id
 * is appended), and the connection's provider type. Carried in the job as the engine's contributed data.
 *
 * @param url             an https, http, ssh or file URL git can fetch from
 * @param commitUrlPrefix e.g. {@code https://git.example.com/team/app/commit/}; null when the host has no web view
 * @param providerType    the connection's provider type (GitHub, GitLab…), or null
 * @param fetchUrl        where to actually fetch from when it differs from {@code url}: a repository this server hosts
 *                        is read in the server's process (sources run there: its directory, or for one kept in the
 *                        database a {@code conveyor-hosted:} URL), not over HTTP, which asks for credentials;
 *                        {@code url} stays what the artifact's {@code origin} and the logs name. Null: {@code url}.
 */
public record GitRemote(String url, String commitUrlPrefix, String providerType, String fetchUrl) {

    public GitRemote(String url, String commitUrlPrefix, String providerType) {
        this(url, commitUrlPrefix, providerType, null);
    }

    /** This remote, fetched from {@code directoryUrl} (where the server reads a hosted repository: file: or conveyor-hosted:). */
    public GitRemote readFrom(String directoryUrl) {
        return new GitRemote(url, commitUrlPrefix, providerType, directoryUrl);
    }

    /** The URL to fetch from. */
    public String fetchFrom() {
        return fetchUrl == null ? url : fetchUrl;
    }

    public ObjectNode toJson() {
        ObjectNode node = ConveyorJson.mapper().createObjectNode().put("gitUrl", url);
        if (commitUrlPrefix != null) {
            node.put("commitUrlPrefix", commitUrlPrefix);
        }
        if (providerType != null) {
            node.put("providerType", providerType);
        }
        if (fetchUrl != null) {
            node.put("gitFetchUrl", fetchUrl);
        }
        return node;
    }

    /** The data a contributor returns when it cannot resolve the source: the provider fails with this message. */
    public static ObjectNode unresolvable(String message) {
        return ConveyorJson.mapper().createObjectNode().put("error", message);
    }

    /** The remote the server contributed to this job. */
    static GitRemote of(ActionJob job) throws SourceFailure {
        JsonNode data = job.contributedData();
        if (data.hasNonNull("error")) {
            throw new SourceFailure("ConfigurationError", data.get("error").asText());
        }
        if (!data.hasNonNull("gitUrl")) {
            throw new SourceFailure("ConfigurationError", "The server gave this job no repository URL: is the agent newer than the server?");
        }
        return new GitRemote(data.get("gitUrl").asText(), data.path("commitUrlPrefix").asText(null), data.path("providerType").asText(null),
                data.path("gitFetchUrl").asText(null));
    }
}
