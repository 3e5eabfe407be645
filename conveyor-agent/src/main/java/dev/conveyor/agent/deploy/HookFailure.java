package dev.conveyor.agent.deploy;

/** A lifecycle event failed on this host: CodeDeploy's diagnostics error code, the script (if any) and why. */
final class HookFailure extends Exception {
    final String errorCode;
    final String scriptName;

    HookFailure(String errorCode, String scriptName, String message) {
        super(message, null, false, false);
        this.errorCode = errorCode;
        this.scriptName = scriptName;
    }
}
