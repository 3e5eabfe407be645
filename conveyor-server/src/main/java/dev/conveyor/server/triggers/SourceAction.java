package dev.conveyor.server.triggers;

import dev.conveyor.model.actiontype.BuiltInActionTypes;
import dev.conveyor.model.pipeline.ActionDeclaration;
import dev.conveyor.model.pipeline.GitConfiguration;

/**
 * A source action of a pipeline's current version, with the V2 trigger that names it (null when none), as the
 * triggers see it.
 */
public record SourceAction(String pipelineName, int pipelineVersion, ActionDeclaration action, GitConfiguration trigger) {

    /** The source providers Conveyor starts pipelines for. */
    public enum Kind { CODECOMMIT, CONNECTION, GITHUB, S3, OTHER }

    public Kind kind() {
        String provider = action.actionTypeId().provider();
        String owner = action.actionTypeId().owner();
        if ("ThirdParty".equals(owner) && "GitHub".equals(provider)) {
            return Kind.GITHUB;
        }
        if (!"AWS".equals(owner)) {
            return Kind.OTHER;
        }
        return switch (provider) {
            case "CodeCommit" -> Kind.CODECOMMIT;
            case BuiltInActionTypes.CODESTAR_SOURCE_CONNECTION -> Kind.CONNECTION;
            case "S3" -> Kind.S3;
            default -> Kind.OTHER;
        };
    }

    public String name() {
        return action.name();
    }

    public String config(String key) {
        return action.configurationOrEmpty().get(key);
    }

    /** The branch the action builds: BranchName, or Branch for GitHub version 1; null for S3. */
    public String branch() {
        return kind() == Kind.GITHUB ? config("Branch") : config("BranchName");
    }

    /** PollForSourceChanges (S3, CodeCommit, GitHub): absent means true, as in CodePipeline. */
    public boolean pollsForSourceChanges() {
        return (kind() == Kind.S3 || kind() == Kind.CODECOMMIT || kind() == Kind.GITHUB) && !"false".equalsIgnoreCase(config("PollForSourceChanges"));
    }

    /** DetectChanges of a connection source: absent means true. Triggers replace it when the action has one. */
    public boolean detectsChanges() {
        return kind() == Kind.CONNECTION && trigger == null && !"false".equalsIgnoreCase(config("DetectChanges"));
    }

    /** The revision override type that pins this action to a revision, or null when it has none. */
    public String revisionType() {
        return switch (kind()) {
            case CODECOMMIT, CONNECTION, GITHUB -> "COMMIT_ID";
            case S3 -> "S3_OBJECT_VERSION_ID";
            case OTHER -> null;
        };
    }
}
