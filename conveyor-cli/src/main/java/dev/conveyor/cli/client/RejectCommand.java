package dev.conveyor.cli.client;

import picocli.CommandLine.Command;
import software.amazon.awssdk.services.codepipeline.model.ApprovalStatus;

/** {@code conveyor reject NAME STAGE ACTION}: fails the execution waiting at a manual approval. */
@Command(name = "reject", mixinStandardHelpOptions = true,
        description = "Reject the manual approval an execution waits at, failing the execution (PutApprovalResult).")
public final class RejectCommand extends ApprovalCommand {
    @Override
    ApprovalStatus result() {
        return ApprovalStatus.REJECTED;
    }
}
