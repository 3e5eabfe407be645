package dev.conveyor.iam.api;

import dev.conveyor.iam.identity.Principal;
import dev.conveyor.iam.identity.Roles;
import dev.conveyor.iam.identity.TemporaryCredentials;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The STS operations Conveyor serves (API version 2011-06-15), by Action name. */
final class StsOperations {
    static final String NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

    private final Roles roles;

    StsOperations(Roles roles) {
        this.roles = roles;
    }

    Map<String, Operation> operations() {
        Map<String, Operation> ops = new LinkedHashMap<>();
        ops.put("GetCallerIdentity", (p, r, x) -> {
            Principal caller = r.caller();
            x.element("UserId", caller.userId()).element("Account", caller.accountId()).element("Arn", caller.arn());
        });
        ops.put("AssumeRole", (p, r, x) -> {
            p.refuseUnsupported("Policy", "PolicyArns", "Tags", "TransitiveTagKeys", "SourceIdentity", "SerialNumber", "TokenCode",
                    "ProvidedContexts");
            String roleArn = p.required("RoleArn", 20, 2048, null);
            String sessionName = p.required("RoleSessionName", 2, 64, Params.SESSION_NAME);
            Integer duration = p.optionalInt("DurationSeconds", 900, 43200);
            String externalId = p.optional("ExternalId", 2, 1224, Params.EXTERNAL_ID);
            Map<String, List<String>> context = new HashMap<>(r.context());
            if (externalId != null) {
                context.put("sts:ExternalId", List.of(externalId)); // trust policies test it in a Condition
            }
            context.put("sts:RoleSessionName", List.of(sessionName));
            TemporaryCredentials credentials = roles.assume(r.caller(), roleArn, sessionName, duration, context);
            x.start("Credentials").element("AccessKeyId", credentials.accessKeyId())
                    .element("SecretAccessKey", credentials.secretAccessKey()).element("SessionToken", credentials.sessionToken())
                    .element("Expiration", credentials.expiration()).end();
            x.start("AssumedRoleUser").element("AssumedRoleId", credentials.principal().userId())
                    .element("Arn", credentials.principal().arn()).end();
            x.element("PackedPolicySize", 0);
        });
        return ops;
    }
}
