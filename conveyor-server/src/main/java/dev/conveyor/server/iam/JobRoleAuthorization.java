package dev.conveyor.server.iam;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.engine.ExecutionQueries;
import dev.conveyor.engine.JobGate;
import dev.conveyor.iam.Authorizer;
import dev.conveyor.iam.BucketPolicies;
import dev.conveyor.iam.ResourceArns;
import dev.conveyor.iam.identity.IdentityCache;
import dev.conveyor.iam.identity.Principal;
import dev.conveyor.iam.identity.PrincipalRecords;
import dev.conveyor.iam.identity.Roles;
import dev.conveyor.iam.identity.Users;
import dev.conveyor.iam.policy.AuthorizationRequest;
import dev.conveyor.iam.policy.Decision;
import dev.conveyor.model.pipeline.ActionTypeId;
import dev.conveyor.store.execution.JobRow;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Pipeline and action {@code roleArn} honoured (issue 14): before a job reaches any worker, what it will do on the
 * pipeline's behalf is checked against the role its action names, else its pipeline's ({@link JobGate}). Every job
 * reads its input artifacts ({@code s3:GetObject}) and writes its output artifacts ({@code s3:PutObject}) in the
 * artifact store; action types add what they call ({@link #needs}): the S3 source reads its object, CodeBuild
 * starts a build of its project, CodeDeploy creates a deployment in its group, a Lambda invoke invokes its
 * function, a pipeline invoke starts its pipeline. A role whose policies (with the bucket's policy, for S3) do not
 * allow one of them fails the action with AWS's message: {@code User: arn:aws:sts::<account>:assumed-role/<role>/
 * <session> is not authorized to perform: <action> on resource: <arn> because no identity-based policy allows ...}.
 *
 * <p>A role Conveyor's IAM holds is usable only if its trust policy lets {@code codepipeline.amazonaws.com} (or the
 * account) assume it for this pipeline, as AWS requires (the rule is {@link Roles#forPipeline}'s, the same that hands
 * the job its role's credentials): otherwise the action fails with AWS's message {@code CodePipeline is not
 * authorized to perform AssumeRole on role <arn>}.
 *
 * <p>A pipeline without a role, or naming a role Conveyor's IAM does not hold (any definition copied from AWS): the
 * authority of whoever handed it over, the principal that created or last updated the version the execution runs
 * (recorded with it, see PipelineRepository#author), evaluated with its <em>current</em> policies; a user since deleted
 * or a session whose role is gone is refused. Authors are read through {@link PipelineAuthors} (a version's author never
 * changes), principals, roles and policies through the {@link IdentityCache}, forgotten at every IAM change: a job
 * claim reads none of IAM's tables once they have been seen, and a policy changed applies to the next job. A version with no recorded author (written before authors were, or in
 * the open mode) keeps the server's own authority. With {@code requireKnownRoles}, such pipelines are refused instead,
 * except the built-in service role name {@value #BUILT_IN_SERVICE_ROLE} (the demo's), which acts with its author's
 * authority.
 *
 * <p>Stage conditions' rules that run as jobs (Commands, LambdaInvoke; jobs without an action execution) are checked
 * the same way against the rule's {@code roleArn}, else the pipeline's, else the author; a refusal fails the rule.
 * See docs/security.md.
 */
public final class JobRoleAuthorization implements JobGate {
    /** The service role name the demo's pipeline names; it need not exist in IAM. */
    public static final String BUILT_IN_SERVICE_ROLE = "conveyor-demo";

    /** One thing a job does on the pipeline's behalf: an IAM action on a resource ARN. */
    public record Need(String action, String resource) {
    }

    private final Roles roles;
    private final Users users;
    private final BiFunction<String, Integer, String> authorOf;
    private final IdentityCache identities;
    private final Authorizer authorizer;
    private final BucketPolicies bucketPolicies;
    private final ExecutionQueries queries;
    private final ResourceArns arns;
    private final String region;
    private final String accountId;
    private final boolean requireKnownRoles;
    private final Clock clock;
    private final Map<String, Function<Map<String, String>, List<Need>>> byActionType = new ConcurrentHashMap<>();

    /**
     * @param authorOf who wrote a pipeline's version (pipeline name, version → {@link PrincipalRecords} text, null when
     *                 not recorded)
     */
    public JobRoleAuthorization(Roles roles, Users users, IdentityCache identities, Authorizer authorizer, BucketPolicies bucketPolicies,
                                ExecutionQueries queries, BiFunction<String, Integer, String> authorOf, ResourceArns arns,
                                boolean requireKnownRoles, Clock clock) {
        this.roles = roles;
        this.identities = identities;
        this.users = users;
        this.authorOf = authorOf;
        this.authorizer = authorizer;
        this.bucketPolicies = bucketPolicies;
        this.queries = queries;
        this.arns = arns;
        this.region = arns.region();
        this.accountId = arns.accountId();
        this.requireKnownRoles = requireKnownRoles;
        this.clock = clock;
        needs("Source", "AWS", "S3", c -> List.of(new Need("s3:GetObject", ResourceArns.object(c.get("S3Bucket"), c.get("S3ObjectKey")))));
        Function<Map<String, String>, List<Need>> build = c -> c.get("ProjectName") == null ? List.of()
                : List.of(new Need("codebuild:StartBuild", arns.codeBuildProject(c.get("ProjectName"))));
        needs("Build", "AWS", "CodeBuild", build);
        needs("Test", "AWS", "CodeBuild", build);
        needs("Deploy", "AWS", "CodeDeploy", c -> List.of(new Need("codedeploy:CreateDeployment",
                arns.deploymentGroup(c.get("ApplicationName"), c.get("DeploymentGroupName")))));
        needs("Invoke", "AWS", "Lambda", c -> List.of(new Need("lambda:InvokeFunction", functionArn(c.get("FunctionName")))));
        needs("Invoke", "AWS", "CodePipeline", c -> List.of(new Need("codepipeline:StartPipelineExecution",
                arns.pipeline(c.get("PipelineName")))));
    }

    /**
     * Declares what actions of one type do on the pipeline's behalf, from their resolved configuration (the hook a new
     * action type calls, e.g. {@code Deploy/AWS/S3}: {@code s3:PutObject} on its bucket's objects). Replaces any
     * earlier declaration for the type.
     */
    public JobRoleAuthorization needs(String category, String owner, String provider, Function<Map<String, String>, List<Need>> needs) {
        byActionType.put(category + "/" + owner + "/" + provider, needs);
        return this;
    }

    @Override
    public Optional<String> refusal(JobRow job) {
        Optional<JobRole> jobRole = JobRole.of(job, queries);
        if (jobRole.isEmpty()) {
            return Optional.empty();
        }
        String pipelineName = jobRole.get().pipelineName();
        int version = jobRole.get().pipelineVersion();
        String roleArn = jobRole.get().roleArn();
        Principal principal = null;
        String actingFor = null;
        if (roleArn == null) {
            if (requireKnownRoles) {
                return Optional.of("The pipeline " + pipelineName + " names no role (roleArn) to act as: Conveyor refuses to act "
                        + "on its behalf with its own authority");
            }
        } else {
            Optional<Roles.PipelineRole> role = roles.forPipeline(roleArn, arns.pipeline(pipelineName));
            if (role.isPresent()) {
                if (!role.get().trusted()) {
                    return Optional.of(Roles.notTrusted(roleArn));
                }
                principal = new Principal.AssumedRole(accountId, role.get().role().name(), role.get().role().roleId(),
                        JobRoleCredentials.sessionName(job.id()));
            } else if (requireKnownRoles && !roleArn.endsWith(":role/" + BUILT_IN_SERVICE_ROLE)) {
                return Optional.of("The role " + roleArn + " is not a role of Conveyor's IAM (account " + accountId + "): Conveyor cannot act "
                        + "as it. Create it with aws iam create-role, or name a role that exists.");
            }
        }
        if (principal == null) {
            // No role Conveyor can act as: the authority of whoever handed the pipeline over (who wrote this version).
            Optional<Principal> recorded = PrincipalRecords.decode(authorOf.apply(pipelineName, version));
            if (recorded.isEmpty()) {
                return Optional.empty(); // written before authors were recorded, or in the open mode: the administrator's
            }
            Principal author = recorded.get();
            principal = author;
            actingFor = " (Conveyor acts on behalf of pipeline " + pipelineName + " with the authority of the principal that "
                    + "created or last updated it, its " + (roleArn == null ? "declaration naming no role" : "role " + roleArn
                    + " not being a role of Conveyor's IAM") + ")";
            // Whether the author still stands, kept until IAM changes (a user deleted, or deleted and created again).
            Optional<String> gone = identities.derived("standing:" + PrincipalRecords.encode(author),
                    () -> PrincipalRecords.gone(author, users, roles));
            if (gone.isPresent()) {
                return Optional.of("Conveyor cannot act on behalf of pipeline " + pipelineName + ": it has no role of Conveyor's IAM "
                        + "to act as and " + gone.get() + " (it created or last updated the pipeline). Update the pipeline, or "
                        + "give it a role.");
            }
        }
        for (Need need : needsOf(job)) {
            Map<String, List<String>> context = Map.of("aws:CurrentTime", List.of(clock.instant().toString()));
            AuthorizationRequest request = new AuthorizationRequest(need.action(), need.resource(), context);
            String bucket = need.resource().startsWith("arn:aws:s3:::") ? bucketOf(need.resource()) : null;
            Decision decision = authorizer.authorize(principal, request, bucket == null ? List.of() : bucketPolicies.policiesOf(bucket));
            if (!decision.allowed()) {
                return Optional.of(decision.denialMessage(principal.arn(), request) + (actingFor == null ? "" : actingFor));
            }
        }
        return Optional.empty();
    }

    /** What the job will do on the pipeline's behalf: its artifacts, and what its action type calls. */
    List<Need> needsOf(JobRow job) {
        JsonNode data = JobRole.read(job.dataJson()).path("jobData");
        List<Need> needs = new ArrayList<>();
        for (JsonNode input : data.path("inputArtifacts")) {
            JsonNode s3 = input.path("location").path("s3Location");
            needs.add(new Need("s3:GetObject", ResourceArns.object(s3.path("bucketName").asText(), s3.path("objectKey").asText())));
        }
        for (JsonNode output : data.path("outputArtifacts")) {
            JsonNode s3 = output.path("location").path("s3Location");
            needs.add(new Need("s3:PutObject", ResourceArns.object(s3.path("bucketName").asText(), s3.path("objectKey").asText())));
        }
        ActionTypeId type = job.actionTypeId();
        Function<Map<String, String>, List<Need>> byType = byActionType.get(type.category() + "/" + type.owner() + "/" + type.provider());
        if (byType != null) {
            Map<String, String> configuration = new java.util.HashMap<>();
            data.path("actionConfiguration").path("configuration").properties()
                    .forEach(e -> configuration.put(e.getKey(), e.getValue().asText()));
            needs.addAll(byType.apply(configuration));
        }
        return needs;
    }

    private String functionArn(String name) {
        if (name == null) {
            return "*";
        }
        return name.startsWith("arn:") ? name : "arn:aws:lambda:" + region + ":" + accountId + ":function:" + name;
    }

    private static String bucketOf(String s3Arn) {
        String rest = s3Arn.substring("arn:aws:s3:::".length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }
}
