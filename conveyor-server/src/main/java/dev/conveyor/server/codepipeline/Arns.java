package dev.conveyor.server.codepipeline;

import dev.conveyor.model.errors.InvalidArnException;

/**
 * CodePipeline ARNs of this server's region and account: pipelines
 * ({@code arn:aws:codepipeline:us-east-1:000000000000:MyPipeline}), custom action types
 * ({@code …:actiontype:Custom/Build/Provider/1}) and webhooks ({@code …:webhook:Name}).
 */
public final class Arns {
    private final String prefix;

    public Arns(String region, String accountId) {
        this.prefix = "arn:aws:codepipeline:" + region + ":" + accountId + ":";
    }

    public String pipeline(String name) {
        return prefix + name;
    }

    /** What a taggable ARN points at. */
    public sealed interface Resource permits PipelineResource, ActionTypeResource, WebhookResource, ForeignResource {
    }

    public record PipelineResource(String name) implements Resource {
    }

    public record ActionTypeResource(String id) implements Resource {
    }

    public record WebhookResource(String name) implements Resource {
    }

    /** A well-formed ARN of another region or account: it names nothing on this server. */
    public record ForeignResource(String arn) implements Resource {
    }

    /**
     * Resolves a resource ARN.
     *
     * @throws InvalidArnException when it is not a CodePipeline ARN at all
     */
    public Resource resolve(String arn) {
        if (!arn.startsWith("arn:aws:codepipeline:")) {
            throw new InvalidArnException("The ARN '" + arn + "' is not a CodePipeline resource ARN", "resourceArn");
        }
        if (!arn.startsWith(prefix)) {
            return new ForeignResource(arn);
        }
        String rest = arn.substring(prefix.length());
        if (rest.startsWith("actiontype:")) {
            return new ActionTypeResource(rest.substring("actiontype:".length()));
        }
        if (rest.startsWith("webhook:")) {
            return new WebhookResource(rest.substring("webhook:".length()));
        }
        return new PipelineResource(rest);
    }
}
