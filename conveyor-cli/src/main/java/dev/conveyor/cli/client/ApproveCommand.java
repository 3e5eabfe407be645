package dev.conveyor.cli.client;

import picocli.CommandLine.Command;
import software.amazon.awssdk.services.codepipeline.model.ApprovalStatus;

/** {@code conveyor approve NAME STAGE ACTION}: lets the execution waiting at a manual approval go on. */
@Command(name = "approve", mixinStandardHelpOptions = true,
        description = "Approve the manual approval an execution waits at (PutApprovalResult; the token is looked up).")
public final class ApproveCommand extends ApprovalCommand {
    @Override
    ApprovalStatus result() {
        return ApprovalStatus.APPROVED;
    }
}
