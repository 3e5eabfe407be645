package dev.conveyor.server.audit;

import dev.conveyor.audit.CallerIdentity;
import dev.conveyor.iam.identity.Principal;
import dev.conveyor.iam.identity.SigningKeys;

/**
 * Who holds an access key, for the audit trail: an IAM user, a role session, or (for keys Conveyor did not issue,
 * accepted until enforcement is on, job credentials included) the account itself.
 */
public final class AuditIdentities {
    private AuditIdentities() {
    }

    public static CallerIdentity resolve(SigningKeys keys, String accessKeyId, String accountId) {
        return keys.find(accessKeyId).map(key -> switch (key.principal()) {
            case Principal.User user -> new CallerIdentity("IAMUser", user.userId(), user.arn(), user.accountId(), user.userName());
            case Principal.AssumedRole role -> new CallerIdentity("AssumedRole", role.userId(), role.arn(), role.accountId(),
                    role.sessionName());
            case Principal.Account account -> CallerIdentity.root(account.accountId());
            case Principal.Anonymous anonymous -> CallerIdentity.anonymous();
        }).orElseGet(() -> CallerIdentity.root(accountId));
    }
}
