package dev.conveyor.providers.codebuild;

/**
 * Why a build phase failed, in CodeBuild's terms: a status code (COMMAND_EXECUTION_ERROR, CLIENT_ERROR,
 * YAML_FILE_ERROR, BUILD_TIMED_OUT…) and a message, shown in the phase's context and the action's error.
 */
public final class BuildFailure extends Exception {
    private final String code;

    public BuildFailure(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
