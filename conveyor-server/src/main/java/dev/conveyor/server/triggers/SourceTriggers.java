package dev.conveyor.server.triggers;

import dev.conveyor.engine.ExecutionEngine;
import dev.conveyor.engine.StartRequest;
import dev.conveyor.model.errors.ServiceException;
import dev.conveyor.server.connections.ConnectionResolver;
import dev.conveyor.server.connections.UnresolvableSourceException;
import dev.conveyor.server.git.HostedRepositories;
import dev.conveyor.server.git.PushListener;
import dev.conveyor.server.git.RefChange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which pipelines a source change starts, and starts them with the trigger CodePipeline would record:
 * <ul>
 *   <li>a push to a hosted repository starts the CodeCommit sources of the pushed branch whose
 *       PollForSourceChanges is false ({@code CloudWatchEvent}), the connection sources reading the repository
 *       through a connection to this server: by their V2 trigger's filters ({@code WebhookV2}) or, without a
 *       trigger, on a push to their branch when DetectChanges is not false ({@code Webhook});</li>
 *   <li>a webhook's event starts its target pipeline ({@code Webhook}, or {@code WebhookV2} when the target
 *       action has a trigger, whose filters then apply too);</li>
 *   <li>a put of a watched S3 object starts the S3 sources with PollForSourceChanges false ({@code CloudWatchEvent}).</li>
 * </ul>
 * Every start pins the source actions that saw the change to its revision (a source revision override), so the
 * execution builds exactly the pushed commit or the put object version. A pipeline is started once per change
 * however many of its sources saw it.
 */
public final class SourceTriggers implements PushListener {
    private static final Logger LOG = LoggerFactory.getLogger(SourceTriggers.class);
    private static final int MAX_DETAIL = 1024;

    private final ExecutionEngine engine;
    private final SourceIndex index;
    private final ConnectionResolver connections;
    private final HostedRepositories repositories;
    private final String codeCommitArnPrefix;

    public SourceTriggers(ExecutionEngine engine, SourceIndex index, ConnectionResolver connections, HostedRepositories repositories,
                          String region, String accountId) {
        this.engine = engine;
        this.index = index;
        this.connections = connections;
        this.repositories = repositories;
        this.codeCommitArnPrefix = "arn:aws:codecommit:" + region + ":" + accountId + ":";
    }

    public SourceIndex index() {
        return index;
    }

    /** A start to make: the pipeline, its trigger, and the revisions its source actions are pinned to. */
    public static final class Start {
        final String pipelineName;
        final String triggerType;
        final String triggerDetail;
        final List<StartRequest.SourceRevisionOverride> revisions = new ArrayList<>();
        String clientRequestToken;

        public Start(String pipelineName, String triggerType, String triggerDetail) {
            this.pipelineName = pipelineName;
            this.triggerType = triggerType;
            this.triggerDetail = triggerDetail.length() <= MAX_DETAIL ? triggerDetail : triggerDetail.substring(0, MAX_DETAIL);
        }

        /** Pins a source action to a revision when its provider takes one. */
        public Start pin(SourceAction action, String revision) {
            if (action.revisionType() != null && revision != null && !"null".equals(revision)) {
                revisions.add(new StartRequest.SourceRevisionOverride(action.name(), action.revisionType(), revision));
            }
            return this;
        }

        /** Makes the start idempotent: a second start with the same token returns the first execution. */
        public Start idempotent(String token) {
            this.clientRequestToken = token;
            return this;
        }
    }

    /** Starts the execution; returns its id. Failures (the pipeline is gone, too many executions) propagate. */
    public String start(Start start) {
        String id = engine.startExecution(new StartRequest(start.pipelineName, List.of(), start.clientRequestToken,
                List.copyOf(start.revisions), start.triggerType, start.triggerDetail));
        LOG.info("started pipeline {} (execution {}) by {}: {}", start.pipelineName, id, start.triggerType, start.triggerDetail);
        return id;
    }

    // ---- hosted pushes

    @Override
    public void pushed(String repository, List<RefChange> changes, Consumer<String> feedback) {
        List<SourceAction> sources = index.all().stream().filter(a -> repository.equals(hostedRepositoryOf(a))).toList();
        if (sources.isEmpty()) {
            return;
        }
        for (RefChange change : changes) {
            if (change.isDelete()) {
                continue;
            }
            GitEvent event = GitEvent.push(change.refName(), change.newId(),
                    () -> repositories.changedFiles(repository, change.oldId(), change.newId()), null);
            Map<String, Start> starts = new LinkedHashMap<>();
            for (SourceAction source : sources) {
                String triggerType = triggerTypeOnPush(source, event);
                if (triggerType != null) {
                    starts.computeIfAbsent(source.pipelineName(), p -> new Start(p, triggerType,
                            sourceDescription(source) + " " + event.describe())).pin(source, event.commitId());
                }
            }
            for (Start start : starts.values()) {
                try {
                    String id = start(start);
                    feedback.accept("Conveyor: started pipeline " + start.pipelineName + " (execution " + id + ") for " + event.describe());
                } catch (ServiceException | dev.conveyor.store.StoreException e) {
                    LOG.warn("a push to {} could not start pipeline {}: {}", repository, start.pipelineName, e.getMessage());
                    feedback.accept("Conveyor: could not start pipeline " + start.pipelineName + ": " + e.getMessage());
                }
            }
        }
    }

    /** The trigger type a push to a source action's own repository starts its pipeline with, or null. */
    static String triggerTypeOnPush(SourceAction source, GitEvent event) {
        return switch (source.kind()) {
            case CONNECTION -> {
                if (source.trigger() != null) {
                    yield GitTriggerFilter.matches(source.trigger(), event) ? "WebhookV2" : null;
                }
                yield source.detectsChanges() && pushToBranch(source, event) ? "Webhook" : null;
            }
            case CODECOMMIT -> !source.pollsForSourceChanges() && pushToBranch(source, event) ? "CloudWatchEvent" : null;
            default -> null;
        };
    }

    private static boolean pushToBranch(SourceAction source, GitEvent event) {
        return event.kind() == GitEvent.Kind.PUSH && Objects.equals(event.branch(), source.branch());
    }

    /** The hosted repository a source action reads, or null when it reads none. */
    public String hostedRepositoryOf(SourceAction source) {
        try {
            return switch (source.kind()) {
                case CODECOMMIT -> HostedRepositories.normalize(source.config("RepositoryName")).orElse(null);
                case CONNECTION -> connections.resolve(source.config("ConnectionArn"), source.config("FullRepositoryId")).hostedRepository();
                case GITHUB -> connections.github(source.config("Owner"), source.config("Repo")).hostedRepository();
                default -> null;
            };
        } catch (UnresolvableSourceException e) {
            return null;
        }
    }

    private String sourceDescription(SourceAction source) {
        return switch (source.kind()) {
            case CODECOMMIT -> codeCommitArnPrefix + source.config("RepositoryName");
            case CONNECTION -> source.config("ConnectionArn") + " " + source.config("FullRepositoryId");
            default -> source.name();
        };
    }

    // ---- webhooks

    /**
     * Starts the webhook's target for an event that passed the webhook's own filters. {@code event} may be null
     * when the payload is not one Conveyor reads (the pipeline then starts unpinned, as CodePipeline's webhooks
     * do); a target with a V2 trigger needs an event its filters match. Returns the execution id, or null when the
     * trigger's filters do not match.
     */
    public String webhookEvent(String webhookArn, SourceAction target, GitEvent event) {
        String triggerType = "Webhook";
        if (target.trigger() != null) {
            if (event == null || !GitTriggerFilter.matches(target.trigger(), event)) {
                return null;
            }
            triggerType = "WebhookV2";
        }
        Start start = new Start(target.pipelineName(), triggerType, webhookArn + (event == null ? "" : " " + event.describe()));
        if (event != null) {
            start.pin(target, event.commitId());
        }
        return start(start);
    }

    // ---- S3

    /** A new version of an object was stored: starts the S3 sources that watch it without polling. */
    public void objectPut(String bucket, String key, String versionId) {
        Map<String, Start> starts = new LinkedHashMap<>();
        for (SourceAction source : index.all()) {
            if (source.kind() == SourceAction.Kind.S3 && !source.pollsForSourceChanges()
                    && bucket.equals(source.config("S3Bucket")) && key.equals(source.config("S3ObjectKey"))) {
                starts.computeIfAbsent(source.pipelineName(), p -> new Start(p, "CloudWatchEvent",
                        "arn:aws:s3:::" + bucket + "/" + key + " " + versionId)).pin(source, versionId);
            }
        }
        for (Start start : starts.values()) {
            try {
                start(start);
            } catch (ServiceException | dev.conveyor.store.StoreException e) {
                LOG.warn("a put of s3://{}/{} could not start pipeline {}: {}", bucket, key, start.pipelineName, e.getMessage());
            }
        }
    }
}
