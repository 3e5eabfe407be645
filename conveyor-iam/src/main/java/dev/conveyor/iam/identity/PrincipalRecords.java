package dev.conveyor.iam.identity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * A principal written down to be evaluated again later (issue 14: who created or last updated a pipeline, whose
 * authority Conveyor acts with when the pipeline names no role of Conveyor's IAM): a small JSON object with its ARN and
 * what re-evaluating its <em>current</em> policies needs: a user's name and id, a role session's role name, role id
 * and session name. The ids tell a user or role deleted and created again under the same name from the one recorded,
 * as IAM does (a new user is a new principal). An anonymous caller is not recorded (null).
 */
public final class PrincipalRecords {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PrincipalRecords() {
    }

    /** {@code principal} as text to store; null for none or an anonymous caller. */
    public static String encode(Principal principal) {
        if (principal == null || principal instanceof Principal.Anonymous) {
            return null;
        }
        ObjectNode out = JSON.createObjectNode().put("arn", principal.arn()).put("account", principal.accountId());
        switch (principal) {
            case Principal.User u -> out.put("type", "User").put("userName", u.userName()).put("userId", u.userId());
            case Principal.AssumedRole r -> out.put("type", "AssumedRole").put("roleName", r.roleName()).put("roleId", r.roleId())
                    .put("sessionName", r.sessionName());
            case Principal.Account a -> out.put("type", "Account");
            case Principal.Anonymous a -> throw new IllegalStateException("not recorded");
        }
        return out.toString();
    }

    /** The principal {@link #encode} wrote; empty for null. */
    public static Optional<Principal> decode(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        JsonNode in;
        try {
            in = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a recorded principal: " + text, e);
        }
        String account = in.path("account").asText();
        return Optional.of(switch (in.path("type").asText()) {
            case "User" -> new Principal.User(account, in.path("userName").asText(), in.path("userId").asText(), in.path("arn").asText());
            case "AssumedRole" -> new Principal.AssumedRole(account, in.path("roleName").asText(), in.path("roleId").asText(),
                    in.path("sessionName").asText());
            case "Account" -> new Principal.Account(account);
            default -> throw new IllegalArgumentException("not a recorded principal: " + text);
        });
    }

    /**
     * Why {@code principal}, recorded earlier, no longer stands: its user was deleted (or deleted and created again: a
     * new id), its session's role likewise; empty while it still exists. The account always stands.
     */
    public static Optional<String> gone(Principal principal, Users users, Roles roles) {
        return switch (principal) {
            case Principal.User u -> users.find(u.userName()).filter(row -> row.userId().equals(u.userId())).isPresent() ? Optional.empty()
                    : Optional.of("the user " + u.arn() + " no longer exists");
            case Principal.AssumedRole r -> roles.find(r.roleName()).filter(row -> row.roleId().equals(r.roleId())).isPresent()
                    ? Optional.empty() : Optional.of("the role " + r.roleName() + " of the session " + r.arn() + " no longer exists");
            case Principal.Account a -> Optional.empty();
            case Principal.Anonymous a -> Optional.of("an anonymous caller has no authority");
        };
    }
}
