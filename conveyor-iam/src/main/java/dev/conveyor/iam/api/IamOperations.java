package dev.conveyor.iam.api;

import dev.conveyor.iam.errors.ValidationErrorException;
import dev.conveyor.iam.identity.NewAccessKey;
import dev.conveyor.iam.identity.PolicyCatalog;
import dev.conveyor.iam.identity.Principal;
import dev.conveyor.iam.identity.Roles;
import dev.conveyor.iam.identity.Users;
import dev.conveyor.iam.store.AccessKeyRow;
import dev.conveyor.iam.store.PolicyRow;
import dev.conveyor.iam.store.PolicyVersionRow;
import dev.conveyor.iam.store.RoleRow;
import dev.conveyor.iam.store.UserRow;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The IAM operations Conveyor serves (API version 2010-05-08), by Action name. */
final class IamOperations {
    static final String NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/";
    /** Operations whose response has no Result element. */
    static final Set<String> NO_RESULT = Set.of("DeleteUser", "UpdateAccessKey", "DeleteAccessKey", "DeletePolicy", "AttachUserPolicy",
            "DetachUserPolicy", "PutUserPolicy", "DeleteUserPolicy", "AttachRolePolicy");

    private final Users users;
    private final PolicyCatalog policies;
    private final Roles roles;

    IamOperations(Users users, PolicyCatalog policies, Roles roles) {
        this.users = users;
        this.policies = policies;
        this.roles = roles;
    }

    Map<String, Operation> operations() {
        Map<String, Operation> ops = new LinkedHashMap<>();
        ops.put("CreateUser", (p, r, x) -> {
            p.refuseUnsupported("Tags", "PermissionsBoundary");
            user(x.start("User"), users.create(userName(p), path(p))).end();
        });
        ops.put("GetUser", (p, r, x) -> user(x.start("User"), users.get(userNameOrCaller(p, r))).end());
        ops.put("ListUsers", (p, r, x) -> {
            Pages<UserRow> page = Pages.of(users.list(pathPrefix(p)), UserRow::name, marker(p), maxItems(p));
            x.start("Users");
            page.items().forEach(u -> user(x.start("member"), u).end());
            x.end();
            page.writeTail(x);
        });
        ops.put("DeleteUser", (p, r, x) -> users.delete(userName(p)));
        ops.put("CreateAccessKey", (p, r, x) -> {
            NewAccessKey key = users.createAccessKey(userNameOrCaller(p, r));
            x.start("AccessKey").element("UserName", key.key().userName()).element("AccessKeyId", key.key().accessKeyId())
                    .element("Status", key.key().status()).element("SecretAccessKey", key.secretAccessKey())
                    .element("CreateDate", key.key().createdAt()).end();
        });
        ops.put("ListAccessKeys", (p, r, x) -> {
            String userName = userNameOrCaller(p, r);
            Pages<AccessKeyRow> page = Pages.of(users.accessKeys(userName), AccessKeyRow::accessKeyId, marker(p), maxItems(p));
            x.start("AccessKeyMetadata");
            page.items().forEach(k -> x.start("member").element("UserName", k.userName()).element("AccessKeyId", k.accessKeyId())
                    .element("Status", k.status()).element("CreateDate", k.createdAt()).end());
            x.end();
            page.writeTail(x);
        });
        ops.put("UpdateAccessKey", (p, r, x) -> users.updateAccessKey(userNameOrCaller(p, r), accessKeyId(p),
                p.requiredEnum("Status", Set.of("Active", "Inactive"))));
        ops.put("DeleteAccessKey", (p, r, x) -> users.deleteAccessKey(userNameOrCaller(p, r), accessKeyId(p)));
        ops.put("CreatePolicy", (p, r, x) -> policy(x.start("Policy"), policies.create(policyName(refuse(p, "Tags")),
                path(p), document(p, "PolicyDocument"), p.optional("Description", 0, 1000, null))).end());
        ops.put("GetPolicy", (p, r, x) -> policy(x.start("Policy"), policies.get(policyArn(p))).end());
        ops.put("GetPolicyVersion", (p, r, x) -> {
            PolicyVersionRow v = policies.version(policyArn(p), p.required("VersionId", 1, 128, java.util.regex.Pattern.compile("v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?")));
            x.start("PolicyVersion").document("Document", v.document()).element("VersionId", v.versionId())
                    .element("IsDefaultVersion", v.isDefault()).element("CreateDate", v.createdAt()).end();
        });
        ops.put("ListPolicies", (p, r, x) -> {
            String scope = p.optionalEnum("Scope", Set.of("All", "AWS", "Local"));
            Pages<PolicyRow> page = Pages.of(policies.list(scope == null ? PolicyCatalog.Scope.All : PolicyCatalog.Scope.valueOf(scope),
                    p.optionalBoolean("OnlyAttached"), pathPrefix(p)), PolicyRow::arn, marker(p), maxItems(p));
            x.start("Policies");
            page.items().forEach(pol -> policy(x.start("member"), pol).end());
            x.end();
            page.writeTail(x);
        });
        ops.put("DeletePolicy", (p, r, x) -> policies.delete(policyArn(p)));
        ops.put("AttachUserPolicy", (p, r, x) -> users.attachPolicy(userName(p), policyArn(p)));
        ops.put("DetachUserPolicy", (p, r, x) -> users.detachPolicy(userName(p), policyArn(p)));
        ops.put("ListAttachedUserPolicies", (p, r, x) -> {
            String prefix = pathPrefix(p);
            Pages<PolicyRow> page = Pages.of(users.attachedPolicies(userName(p)).stream().filter(pol -> pol.path().startsWith(prefix)).toList(),
                    PolicyRow::arn, marker(p), maxItems(p));
            x.start("AttachedPolicies");
            page.items().forEach(pol -> x.start("member").element("PolicyName", pol.name()).element("PolicyArn", pol.arn()).end());
            x.end();
            page.writeTail(x);
        });
        ops.put("PutUserPolicy", (p, r, x) -> users.putInlinePolicy(userName(p), policyName(p), document(p, "PolicyDocument")));
        ops.put("GetUserPolicy", (p, r, x) -> {
            String userName = userName(p), policyName = policyName(p);
            x.element("UserName", userName).element("PolicyName", policyName)
                    .document("PolicyDocument", users.inlinePolicy(userName, policyName));
        });
        ops.put("DeleteUserPolicy", (p, r, x) -> users.deleteInlinePolicy(userName(p), policyName(p)));
        ops.put("CreateRole", (p, r, x) -> role(x.start("Role"), roles.create(
                refuse(p, "Tags", "PermissionsBoundary").required("RoleName", 1, 64, Params.NAME), path(p),
                document(p, "AssumeRolePolicyDocument"), p.optional("Description", 0, 1000, null),
                p.optionalInt("MaxSessionDuration", 3600, 43200))).end());
        ops.put("GetRole", (p, r, x) -> role(x.start("Role"), roles.get(p.required("RoleName", 1, 64, Params.NAME))).end());
        ops.put("AttachRolePolicy", (p, r, x) -> roles.attachPolicy(p.required("RoleName", 1, 64, Params.NAME), policyArn(p)));
        return ops;
    }

    /** {@code p}, once it is known to hold none of the members Conveyor does not support yet. */
    private static Params refuse(Params p, String... members) {
        p.refuseUnsupported(members);
        return p;
    }

    private static String userName(Params p) {
        return p.required("UserName", 1, 64, Params.NAME);
    }

    /** Operations whose UserName is optional act on the calling user when it is left out, as IAM does. */
    private String userNameOrCaller(Params p, QueryRequest r) {
        String given = p.optional("UserName", 1, 64, Params.NAME);
        if (given != null) {
            return given;
        }
        if (r.caller() instanceof Principal.User u) {
            return u.userName();
        }
        throw new ValidationErrorException("Must specify userName when calling with non-User credentials", "UserName");
    }

    private static String policyName(Params p) {
        return p.required("PolicyName", 1, 128, Params.NAME);
    }

    private static String path(Params p) {
        String path = p.optional("Path", 1, 512, Params.PATH);
        return path == null ? "/" : path;
    }

    private static String pathPrefix(Params p) {
        String prefix = p.optional("PathPrefix", 1, 512, Params.PATH_PREFIX);
        return prefix == null ? "/" : prefix;
    }

    private static String marker(Params p) {
        return p.optional("Marker", 1, 320, null);
    }

    private static Integer maxItems(Params p) {
        return p.optionalInt("MaxItems", 1, 1000);
    }

    private static String accessKeyId(Params p) {
        return p.required("AccessKeyId", 16, 128, Params.ACCESS_KEY_ID);
    }

    private static String document(Params p, String member) {
        return p.required(member, 1, 131072, Params.DOCUMENT);
    }

    private static String policyArn(Params p) {
        String arn = p.required("PolicyArn", 20, 2048, null);
        if (!arn.startsWith("arn:aws:iam::") || !arn.contains(":policy/")) {
            throw new dev.conveyor.iam.errors.InvalidInputException("ARN " + arn + " is not valid.", "PolicyArn");
        }
        return arn;
    }

    private static Xml user(Xml x, UserRow u) {
        return x.element("Path", u.path()).element("UserName", u.name()).element("UserId", u.userId()).element("Arn", u.arn())
                .element("CreateDate", u.createdAt());
    }

    private static Xml policy(Xml x, PolicyRow p) {
        return x.element("PolicyName", p.name()).element("PolicyId", p.policyId()).element("Arn", p.arn()).element("Path", p.path())
                .element("DefaultVersionId", p.defaultVersionId()).element("AttachmentCount", p.attachmentCount())
                .element("PermissionsBoundaryUsageCount", 0).element("IsAttachable", true).element("Description", p.description())
                .element("CreateDate", p.createdAt()).element("UpdateDate", p.updatedAt());
    }

    private static Xml role(Xml x, RoleRow r) {
        return x.element("Path", r.path()).element("RoleName", r.name()).element("RoleId", r.roleId()).element("Arn", r.arn())
                .element("CreateDate", r.createdAt()).document("AssumeRolePolicyDocument", r.assumeRolePolicy())
                .element("Description", r.description()).element("MaxSessionDuration", r.maxSessionSeconds());
    }
}
