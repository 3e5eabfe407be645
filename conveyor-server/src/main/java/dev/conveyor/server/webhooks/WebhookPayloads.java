package dev.conveyor.server.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.server.triggers.GitEvent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Reads the git event out of a forge's webhook delivery: push and pull (merge) request events of GitHub
 * ({@code X-GitHub-Event}), Gitea and Gogs ({@code X-Gitea-Event}, GitHub's payload shape) and GitLab
 * ({@code X-Gitlab-Event}). A push that deletes a ref, and every other event, is no git event (null).
 */
public final class WebhookPayloads {
    private static final String ZERO = "0000000000000000000000000000000000000000";

    private WebhookPayloads() {
    }

    /** The event, or null when the delivery is not a push or pull request Conveyor reads. */
    public static GitEvent parse(UnaryOperator<String> header, JsonNode body) {
        String github = firstNonNull(header.apply("X-GitHub-Event"), header.apply("X-Gitea-Event"), header.apply("X-Gogs-Event"));
        String gitlab = header.apply("X-Gitlab-Event");
        if (gitlab != null) {
            return gitlab(gitlab, body);
        }
        if (github != null) {
            return switch (github) {
                case "push" -> githubPush(body);
                case "pull_request" -> githubPullRequest(body);
                default -> null;
            };
        }
        return body.has("ref") && body.has("after") ? githubPush(body) : null; // an unnamed push in GitHub's shape
    }

    private static GitEvent githubPush(JsonNode body) {
        String after = body.path("after").asText(null);
        if (after == null || ZERO.equals(after) || body.path("deleted").asBoolean(false)) {
            return null;
        }
        List<String> files = filesOf(body.path("commits"));
        return GitEvent.push(body.path("ref").asText(), after, () -> files, body.path("head_commit").path("message").asText(null));
    }

    private static GitEvent githubPullRequest(JsonNode body) {
        String action = switch (body.path("action").asText()) {
            case "opened", "reopened" -> "OPEN";
            case "synchronize", "synchronized" -> "UPDATED";
            case "closed" -> "CLOSED";
            default -> null;
        };
        JsonNode pr = body.path("pull_request");
        if (action == null || pr.isMissingNode()) {
            return null;
        }
        return GitEvent.pullRequest(action, pr.path("head").path("ref").asText(), pr.path("base").path("ref").asText(),
                pr.path("head").path("sha").asText(), () -> null, pr.path("title").asText(null));
    }

    private static GitEvent gitlab(String event, JsonNode body) {
        switch (event.toLowerCase(Locale.ROOT)) {
            case "push hook", "tag push hook", "system hook" -> {
                String after = body.hasNonNull("checkout_sha") ? body.get("checkout_sha").asText() : body.path("after").asText(null);
                if (after == null || ZERO.equals(body.path("after").asText())) {
                    return null;
                }
                List<String> files = filesOf(body.path("commits"));
                JsonNode commits = body.path("commits");
                String message = commits.isArray() && !commits.isEmpty() ? commits.get(commits.size() - 1).path("message").asText(null) : null;
                return GitEvent.push(body.path("ref").asText(), after, () -> files, message);
            }
            case "merge request hook" -> {
                JsonNode mr = body.path("object_attributes");
                String action = switch (mr.path("action").asText()) {
                    case "open", "reopen" -> "OPEN";
                    case "update" -> mr.hasNonNull("oldrev") ? "UPDATED" : null;
                    case "close", "merge" -> "CLOSED";
                    default -> null;
                };
                if (action == null) {
                    return null;
                }
                return GitEvent.pullRequest(action, mr.path("source_branch").asText(), mr.path("target_branch").asText(),
                        mr.path("last_commit").path("id").asText(), () -> null, mr.path("title").asText(null));
            }
            default -> {
                return null;
            }
        }
    }

    /** The files the pushed commits added, modified or removed, or null when the payload lists none. */
    private static List<String> filesOf(JsonNode commits) {
        if (!commits.isArray() || commits.isEmpty()) {
            return null;
        }
        Set<String> files = new LinkedHashSet<>();
        boolean listed = false;
        for (JsonNode commit : commits) {
            for (String kind : List.of("added", "modified", "removed")) {
                if (commit.has(kind)) {
                    listed = true;
                    commit.get(kind).forEach(f -> files.add(f.asText()));
                }
            }
        }
        return listed ? new ArrayList<>(files) : null;
    }

    private static String firstNonNull(String... values) {
        for (String v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
