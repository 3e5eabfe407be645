package dev.conveyor.server.codepipeline;

import dev.conveyor.model.actiontype.UrlTemplate;
import dev.conveyor.model.pipeline.ActionTypeId;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The entity links of built-in sources, pointing at where this server serves what they read, in place of the AWS
 * console pages CodePipeline links to: an S3 source's object on the S3 endpoint, a CodeCommit source's hosted
 * repository (its clone URL). Built-in types declare no URL templates of their own (ListActionTypes shows none), and
 * their run links ({@code externalExecutionUrl}) are set by the providers that run them.
 */
final class BuiltInActionLinks {
    private static final ActionTypeId S3_SOURCE = new ActionTypeId("Source", "AWS", "S3", "1");
    private static final ActionTypeId CODECOMMIT_SOURCE = new ActionTypeId("Source", "AWS", "CodeCommit", "1");
    private static final Map<ActionTypeId, String> ENTITY_PATHS = Map.of(
            S3_SOURCE, "/{Config:S3Bucket}/{Config:S3ObjectKey}",
            CODECOMMIT_SOURCE, "/v1/repos/{Config:RepositoryName}");

    private final Supplier<String> publicUrl;

    /** @param publicUrl the base URL clients reach this server at, known once it listens */
    BuiltInActionLinks(Supplier<String> publicUrl) {
        this.publicUrl = publicUrl;
    }

    Optional<String> entityUrl(ActionTypeId type, Map<String, String> configuration) {
        String path = ENTITY_PATHS.get(type);
        if (path == null) {
            return Optional.empty();
        }
        return UrlTemplate.fill(stripSlash(publicUrl.get()) + path, configuration, key -> false, null);
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
