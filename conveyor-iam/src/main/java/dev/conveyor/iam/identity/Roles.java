package dev.conveyor.iam.identity;

import dev.conveyor.iam.errors.AccessDeniedException;
import dev.conveyor.iam.errors.EntityAlreadyExistsException;
import dev.conveyor.iam.errors.NoSuchEntityException;
import dev.conveyor.iam.errors.ValidationErrorException;
import dev.conveyor.iam.policy.Decision;
import dev.conveyor.iam.policy.PolicyDocument;
import dev.conveyor.iam.policy.PolicyParser;
import dev.conveyor.iam.policy.TrustPolicies;
import dev.conveyor.iam.store.PolicyRepository;
import dev.conveyor.iam.store.RoleRepository;
import dev.conveyor.iam.store.RoleRow;
import dev.conveyor.iam.store.SessionRepository;
import dev.conveyor.iam.store.SessionRow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Roles, the managed policies attached to them, and their sessions: AssumeRole's temporary credentials. */
public final class Roles {
    /** The service principal pipelines' roles trust: CodePipeline's, which Conveyor acts as when it runs their jobs. */
    public static final String CODEPIPELINE = "codepipeline.amazonaws.com";
    static final int DEFAULT_MAX_SESSION_SECONDS = 3600;
    /** IAM's quota of managed policies attached to a role. */
    static final int MAX_ATTACHED_POLICIES = 10;
    /** Expired sessions are kept this long (so their use is answered ExpiredToken rather than "unknown"), then removed. */
    private static final Duration EXPIRED_SESSION_RETENTION = Duration.ofDays(1);

    private final RoleRepository roles;
    private final PolicyRepository policies;
    private final SessionRepository sessions;
    private final SecretSealer sealer;
    private final Names names;
    private final Clock clock;
    private final IdentityCache cache;

    public Roles(RoleRepository roles, PolicyRepository policies, SessionRepository sessions, SecretSealer sealer, Names names, Clock clock,
                 IdentityCache cache) {
        this.cache = cache;
        this.roles = roles;
        this.policies = policies;
        this.sessions = sessions;
        this.sealer = sealer;
        this.names = names;
        this.clock = clock;
    }

    public RoleRow create(String name, String path, String trustPolicy, String description, Integer maxSessionSeconds) {
        PolicyDocuments.parse(trustPolicy, PolicyParser.Kind.TRUST, "AssumeRolePolicyDocument");
        PolicyDocuments.checkSize(PolicyDocuments.size(trustPolicy), PolicyDocuments.TRUST_POLICY_SIZE, "ACLSizePerRole");
        RoleRow role = new RoleRow(name, AwsIds.roleId(), path, names.role(path, name), trustPolicy, description,
                maxSessionSeconds == null ? DEFAULT_MAX_SESSION_SECONDS : maxSessionSeconds, clock.instant());
        if (!roles.insert(role)) {
            throw new EntityAlreadyExistsException("Role with name " + name + " already exists.", "RoleName");
        }
        return role;
    }

    public RoleRow get(String name) {
        return roles.find(name).orElseThrow(() -> notFound(name));
    }

    /** The role named {@code name}, when it exists. */
    public java.util.Optional<RoleRow> find(String name) {
        return roles.find(name);
    }

    public void attachPolicy(String roleName, String policyArn) {
        get(roleName);
        policies.find(policyArn).orElseThrow(() -> PolicyCatalog.notFound(policyArn));
        switch (roles.attachPolicy(roleName, policyArn, MAX_ATTACHED_POLICIES)) {
            case NO_SUCH_ENTITY -> throw notFound(roleName);
            case LIMIT_EXCEEDED -> throw new dev.conveyor.iam.errors.LimitExceededException(
                    "Cannot exceed quota for PoliciesPerRole: " + MAX_ATTACHED_POLICIES);
            default -> { }
        }
    }

    public List<String> attachedPolicies(String roleName) {
        return roles.attachedPolicies(roleName);
    }

    /**
     * Hands {@code caller} temporary credentials for a session of the role named by {@code roleArn}, if the role's
     * trust policy names the caller. {@code durationSeconds} null means an hour; more than the role's maximum is refused.
     */
    public TemporaryCredentials assume(Principal caller, String roleArn, String sessionName, Integer durationSeconds,
                                       Map<String, List<String>> context) {
        RoleRow role = roleByArn(roleArn);
        int seconds = durationSeconds == null ? 3600 : durationSeconds;
        if (seconds > role.maxSessionSeconds()) {
            throw new ValidationErrorException("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
                    "DurationSeconds");
        }
        PolicyDocument trust = PolicyParser.parse(role.assumeRolePolicy(), PolicyParser.Kind.TRUST);
        Decision decision = TrustPolicies.evaluate(trust, caller.arn(), caller.accountId(), role.arn(), context);
        if (!decision.allowed()) {
            throw new AccessDeniedException("User: " + caller.arn() + " is not authorized to perform: sts:AssumeRole on resource: "
                    + role.arn(), "RoleArn");
        }
        return issue(role, sessionName, seconds);
    }

    /**
     * A role as CodePipeline finds it when it would assume it for a pipeline's job: the role, and whether its trust
     * policy lets CodePipeline assume it for that pipeline.
     */
    public record PipelineRole(RoleRow role, boolean trusted) {
    }

    /** A role with its trust policy parsed, as kept in the {@link IdentityCache} (a role's trust never changes). */
    private record HeldRole(RoleRow role, PolicyDocument trust) {
    }

    /**
     * Whether the role {@code roleArn} lets CodePipeline assume it for the pipeline {@code pipelineArn}, as AWS requires
     * of a pipeline's (or an action's) role: {@code sts:AssumeRole} allowed to the service principal {@value
     * #CODEPIPELINE}, or to the account, in the context CodePipeline assumes it in ({@code aws:SourceAccount} the
     * account, {@code aws:SourceArn} the pipeline: what trust policies' confused-deputy conditions name). The one rule
     * for both the job gate and a job's credentials ({@link #assumeForPipeline}). The role and its parsed trust policy
     * come from the {@link IdentityCache}.
     *
     * @return empty when {@code roleArn} is not a role of this account that exists
     */
    public java.util.Optional<PipelineRole> forPipeline(String roleArn, String pipelineArn) {
        java.util.Optional<HeldRole> held = cache.derivedWhenPresent("role-trust:" + roleArn,
                () -> findByArn(roleArn).map(r -> new HeldRole(r, PolicyParser.parse(r.assumeRolePolicy(), PolicyParser.Kind.TRUST))));
        return held.map(h -> {
            Map<String, List<String>> context = Map.of("aws:SourceAccount", List.of(names.accountId()),
                    "aws:SourceArn", List.of(pipelineArn), "aws:CurrentTime", List.of(clock.instant().toString()));
            boolean trusted = TrustPolicies.evaluateService(h.trust(), CODEPIPELINE, roleArn, context).allowed()
                    || TrustPolicies.evaluate(h.trust(), "arn:aws:iam::" + names.accountId() + ":root", names.accountId(), roleArn,
                            context).allowed();
            return new PipelineRole(h.role(), trusted);
        });
    }

    /**
     * Temporary credentials of the role {@code roleArn} for a job of the pipeline {@code pipelineArn}, CodePipeline
     * assuming it as {@link #forPipeline} decides. The session lasts {@code seconds}, at least 15 minutes and at most
     * the role's maximum.
     *
     * @return empty when there is no such role in this account
     * @throws AccessDeniedException when the role does not trust CodePipeline for that pipeline
     */
    public java.util.Optional<TemporaryCredentials> assumeForPipeline(String roleArn, String pipelineArn, String sessionName, int seconds) {
        java.util.Optional<PipelineRole> found = forPipeline(roleArn, pipelineArn);
        if (found.isPresent() && !found.get().trusted()) {
            throw new AccessDeniedException(notTrusted(roleArn), "RoleArn");
        }
        return found.map(p -> issue(p.role(), sessionName, Math.max(900, Math.min(seconds, p.role().maxSessionSeconds()))));
    }

    /** AWS's message for a pipeline whose role does not trust CodePipeline. */
    public static String notTrusted(String roleArn) {
        return "CodePipeline is not authorized to perform AssumeRole on role " + roleArn;
    }

    /**
     * The role {@code roleArn} names, when it is a role of this account that exists (its path included). Without
     * exceptions: the job gate asks this for every job whose role is made up (every definition copied from AWS).
     */
    public java.util.Optional<RoleRow> findByArn(String roleArn) {
        String prefix = rolePrefix();
        if (!roleArn.startsWith(prefix)) {
            return java.util.Optional.empty();
        }
        String name = roleArn.substring(roleArn.lastIndexOf('/') + 1);
        return roles.find(name).filter(r -> r.arn().equals(roleArn));
    }

    private TemporaryCredentials issue(RoleRow role, String sessionName, int seconds) {
        Instant now = clock.instant();
        sessions.deleteExpiredBefore(now.minus(EXPIRED_SESSION_RETENTION));
        String accessKeyId = AwsIds.temporaryAccessKeyId();
        String secret = AwsIds.secretAccessKey();
        String token = AwsIds.sessionToken();
        Instant expiration = now.plusSeconds(seconds);
        sessions.insert(new SessionRow(accessKeyId, role.name(), role.roleId(), sessionName, SigningKeys.tokenHash(token),
                sealer.seal(accessKeyId, secret), expiration, now));
        return new TemporaryCredentials(accessKeyId, secret, token, expiration,
                new Principal.AssumedRole(names.accountId(), role.name(), role.roleId(), sessionName));
    }

    private String rolePrefix() {
        return "arn:aws:iam::" + names.accountId() + ":role/";
    }

    private RoleRow roleByArn(String roleArn) {
        if (!roleArn.startsWith(rolePrefix())) {
            throw new ValidationErrorException("1 validation error detected: Value '" + roleArn
                    + "' at 'roleArn' failed to satisfy constraint: Member must be the ARN of a role of account " + names.accountId(), "RoleArn");
        }
        return findByArn(roleArn)
                .orElseThrow(() -> new NoSuchEntityException("The role with ARN " + roleArn + " cannot be found.", "RoleArn"));
    }

    static NoSuchEntityException notFound(String name) {
        return new NoSuchEntityException("The role with name " + name + " cannot be found.", "RoleName");
    }
}
