package dev.conveyor.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.iam.Authorizer;
import dev.conveyor.iam.ResourceArns;
import dev.conveyor.iam.identity.Principal;
import dev.conveyor.iam.policy.AuthorizationRequest;
import dev.conveyor.iam.policy.Decision;
import dev.conveyor.model.pipeline.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Authorization of every API operation through the {@link Authorizer}: the action is {@code <signing name>:<Operation>}
 * ({@code codepipeline:StartPipelineExecution}, {@code codebuild:StartBuild}, {@code ssm:GetParameter},
 * {@code cloudtrail:LookupEvents}, {@code conveyor:PollForAgentJobs}, {@code s3:GetObject}, {@code logs:GetLogEvents}…),
 * the resource the ARN AWS scopes that action to ({@link #resourceOf}), and the context keys {@code aws:SourceIp},
 * {@code aws:SecureTransport}, {@code aws:CurrentTime} and, for pipelines, {@code aws:ResourceTag/<key>}. A caller
 * without a principal is either a job's temporary credentials (which open that job's artifacts on S3 and nothing
 * here) or the open {@code --auth none} mode (everything allowed).
 */
public final class OperationAuthorizer {
    /** CodePipeline operations whose resource is a stage ({@code pipeline/stage}), as AWS scopes them. */
    /** What a job's temporary credentials may call besides its artifacts on S3: about that job only. */
    private static final Set<String> JOB_OWN_OPERATIONS = Set.of("AcknowledgeJob", "GetJobDetails", "PutJobSuccessResult",
            "PutJobFailureResult");
    private static final Set<String> STAGE_SCOPED = Set.of("EnableStageTransition", "DisableStageTransition");
    private static final Set<String> WEBHOOK_OPERATIONS = Set.of("PutWebhook", "DeleteWebhook", "RegisterWebhookWithThirdParty",
            "DeregisterWebhookWithThirdParty");
    private static final Set<String> ACTION_TYPE_OPERATIONS = Set.of("CreateCustomActionType", "DeleteCustomActionType", "GetActionType",
            "UpdateActionType");

    private final Authorizer authorizer;
    private final ResourceArns arns;
    private final Function<String, List<Tag>> tagsByArn;
    private final java.time.Clock clock;

    /** @param tagsByArn the tags of a resource by its ARN (pipelines' tags, for {@code aws:ResourceTag/}) */
    public OperationAuthorizer(Authorizer authorizer, ResourceArns arns, Function<String, List<Tag>> tagsByArn, java.time.Clock clock) {
        this.authorizer = authorizer;
        this.arns = arns;
        this.tagsByArn = tagsByArn;
        this.clock = clock;
    }

    /** Throws {@link AccessDeniedException} unless {@code caller} may call {@code service:operation} with {@code input}. */
    public void authorizeJson(String service, String operation, JsonNode input, Caller caller, HttpServletRequest request) {
        if (caller.principal() == null) {
            if (caller.jobScope() != null) {
                if ("codepipeline".equals(service) && JOB_OWN_OPERATIONS.contains(operation)
                        && caller.jobScope().jobId().equals(input.path("jobId").asText(null))) {
                    return; // a job's credentials report that job's own result (a Lambda invoke action's function does)
                }
                throw new AccessDeniedException("These credentials are limited to the artifacts of job " + caller.jobScope().jobId());
            }
            return; // --auth none
        }
        String resource = resourceOf(service, operation, input);
        Map<String, List<String>> context = requestContext(request);
        // A pipeline's tags are read only for a principal whose policies can use them (a database read saved per request).
        if ("codepipeline".equals(service) && resource.startsWith(arns.pipeline(""))
                && authorizer.policiesMention(caller.principal(), "aws:ResourceTag/")) {
            String pipelineArn = pipelineArnOf(resource);
            for (Tag tag : tagsByArn.apply(pipelineArn)) {
                context.put("aws:ResourceTag/" + tag.key(), List.of(tag.value()));
            }
        }
        // CloudWatch signs as "monitoring" but its IAM actions are "cloudwatch:…"
        String actionPrefix = "monitoring".equals(service) ? "cloudwatch" : service;
        require(caller.principal(), new AuthorizationRequest(actionPrefix + ":" + operation, resource, context),
                AccessDeniedException::new);
        requirePassRole(caller.principal(), service, operation, input, request);
    }

    /**
     * {@code iam:PassRole}, as AWS checks it when a caller hands a role to a service: on every role a pipeline
     * names (its {@code roleArn}, each action's and each stage condition rule's) for CreatePipeline and UpdatePipeline, on a deployment group's
     * {@code serviceRoleArn} for CreateDeploymentGroup and UpdateDeploymentGroup, on a project's {@code serviceRole}
     * for CodeBuild's CreateProject and UpdateProject. The condition key {@code iam:PassedToService} is the service
     * the role is passed to.
     */
    private void requirePassRole(Principal principal, String service, String operation, JsonNode input, HttpServletRequest request) {
        java.util.Set<String> roles = new java.util.LinkedHashSet<>();
        String passedTo;
        switch (service + ":" + operation) {
            case "codepipeline:CreatePipeline", "codepipeline:UpdatePipeline" -> {
                passedTo = "codepipeline.amazonaws.com";
                JsonNode pipeline = input.path("pipeline");
                addRole(roles, pipeline.path("roleArn"));
                for (JsonNode stage : pipeline.path("stages")) {
                    for (JsonNode action : stage.path("actions")) {
                        addRole(roles, action.path("roleArn"));
                    }
                    for (String when : List.of("beforeEntry", "onSuccess", "onFailure")) {
                        for (JsonNode condition : stage.path(when).path("conditions")) {
                            for (JsonNode rule : condition.path("rules")) {
                                addRole(roles, rule.path("roleArn")); // a stage condition's rule runs as its role too
                            }
                        }
                    }
                }
            }
            case "codedeploy:CreateDeploymentGroup", "codedeploy:UpdateDeploymentGroup" -> {
                passedTo = "codedeploy.amazonaws.com";
                addRole(roles, input.path("serviceRoleArn"));
            }
            case "codebuild:CreateProject", "codebuild:UpdateProject" -> {
                passedTo = "codebuild.amazonaws.com";
                addRole(roles, input.path("serviceRole"));
            }
            default -> {
                return;
            }
        }
        for (String role : roles) {
            Map<String, List<String>> context = requestContext(request);
            context.put("iam:PassedToService", List.of(passedTo));
            require(principal, new AuthorizationRequest("iam:PassRole", role, context), AccessDeniedException::new);
        }
    }

    private static void addRole(java.util.Set<String> roles, JsonNode value) {
        if (value.isTextual() && !value.asText().isEmpty()) {
            roles.add(value.asText());
        }
    }

    /** Whether {@code principal} may do {@code action} on {@code resource} (no exception; for masking and filtering). */
    public boolean allowed(Caller caller, String action, String resource, HttpServletRequest request) {
        if (caller.principal() == null) {
            return caller.jobScope() == null;
        }
        return authorizer.authorize(caller.principal(), new AuthorizationRequest(action, resource, requestContext(request))).allowed();
    }

    /** As {@link #allowed(Caller, String, String, HttpServletRequest)}, without the request's context keys. */
    public boolean allowed(Caller caller, String action, String resource) {
        if (caller.principal() == null) {
            return caller.jobScope() == null;
        }
        Map<String, List<String>> context = new HashMap<>();
        context.put("aws:CurrentTime", currentTime());
        return authorizer.authorize(caller.principal(), new AuthorizationRequest(action, resource, context)).allowed();
    }

    /** Checks {@code request} for {@code principal}; a refusal becomes {@code denial.apply(AWS's message)}. */
    public void require(Principal principal, AuthorizationRequest request, Function<String, ? extends RuntimeException> denial) {
        Decision decision = authorizer.authorize(principal, request);
        if (!decision.allowed()) {
            throw denial.apply(decision.denialMessage(principal.arn(), request));
        }
    }

    /** The context keys every request has: where it came from, whether over TLS, when. */
    public Map<String, List<String>> requestContext(HttpServletRequest request) {
        Map<String, List<String>> context = new HashMap<>();
        context.put("aws:SourceIp", List.of(request.getRemoteAddr()));
        context.put("aws:SecureTransport", List.of(Boolean.toString(request.isSecure())));
        context.put("aws:CurrentTime", currentTime());
        return context;
    }

    /**
     * {@code aws:CurrentTime}: the clock's time to the millisecond, formatted once per millisecond rather than per
     * request (issue 20: formatting an Instant allocates a builder and its temporal objects; at 10,000 requests/s
     * about ten requests share each millisecond).
     */
    private List<String> currentTime() {
        java.time.Instant now = clock.instant();
        long milli = now.toEpochMilli();
        CurrentTime last = lastCurrentTime;
        if (last != null && last.epochMilli() == milli) {
            return last.value();
        }
        List<String> value = List.of(now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
        lastCurrentTime = new CurrentTime(milli, value);
        return value;
    }

    private volatile CurrentTime lastCurrentTime;

    private record CurrentTime(long epochMilli, List<String> value) {
    }

    private String pipelineArnOf(String resource) {
        String prefix = arns.pipeline("");
        String rest = resource.substring(prefix.length());
        int slash = rest.indexOf('/');
        return slash < 0 ? resource : prefix + rest.substring(0, slash);
    }

    /** The ARN an operation acts on, as AWS scopes it; {@code *} for operations on no single resource (List*, polling…). */
    public String resourceOf(String service, String operation, JsonNode input) {
        return switch (service) {
            case "codepipeline" -> codePipelineResource(operation, input);
            case "codebuild" -> codeBuildResource(operation, input);
            case "ssm" -> text(input, "Name") != null ? arns.parameter(text(input, "Name"))
                    : text(input, "Path") != null ? arns.parameter(text(input, "Path")) : "*";
            case "secretsmanager" -> {
                String id = text(input, "SecretId") != null ? text(input, "SecretId") : text(input, "Name");
                yield id == null ? "*" : id.startsWith("arn:") ? id : arns.secret(id);
            }
            case "codeconnections", "codestar-connections" -> {
                for (String field : List.of("ConnectionArn", "HostArn", "ResourceArn")) {
                    if (text(input, field) != null) {
                        yield text(input, field);
                    }
                }
                yield "*";
            }
            default -> "*";
        };
    }

    private String codePipelineResource(String operation, JsonNode input) {
        if (WEBHOOK_OPERATIONS.contains(operation)) {
            String name = text(input.path("webhook"), "name");
            name = name != null ? name : text(input, "name") != null ? text(input, "name") : text(input, "webhookName");
            return name == null ? arns.pipeline("*") : arns.webhook(name);
        }
        if (ACTION_TYPE_OPERATIONS.contains(operation)) {
            JsonNode id = input.has("actionType") ? input.path("actionType").path("id") : input;
            String owner = text(id, "owner") == null ? "Custom" : text(id, "owner");
            String category = text(id, "category");
            String provider = text(id, "provider");
            String version = text(id, "version");
            return category == null || provider == null || version == null ? arns.pipeline("*")
                    : arns.actionType(owner, category, provider, version);
        }
        if (text(input, "resourceArn") != null) {
            return text(input, "resourceArn");
        }
        String pipeline = text(input, "pipelineName");
        if (pipeline == null) {
            pipeline = text(input.path("pipeline"), "name");
        }
        if (pipeline == null && !operation.startsWith("List") && !operation.endsWith("Jobs") && !operation.contains("Job")) {
            pipeline = text(input, "name");
        }
        if (pipeline == null) {
            // No one pipeline (ListPipelines, the job operations…): every CodePipeline resource of the account, so
            // that "Resource": "arn:aws:codepipeline:<region>:<account>:*" allows it as "*" does.
            return arns.pipeline("*");
        }
        if ("PutApprovalResult".equals(operation) && text(input, "stageName") != null && text(input, "actionName") != null) {
            return arns.action(pipeline, text(input, "stageName"), text(input, "actionName"));
        }
        if (STAGE_SCOPED.contains(operation) && text(input, "stageName") != null) {
            return arns.pipeline(pipeline) + "/" + text(input, "stageName");
        }
        return arns.pipeline(pipeline);
    }

    private String codeBuildResource(String operation, JsonNode input) {
        String project = text(input, "projectName");
        if (project == null && (operation.endsWith("Project") || "InvalidateProjectCache".equals(operation))) {
            project = text(input, "name");
        }
        if (project == null && text(input, "id") != null && text(input, "id").contains(":")) {
            String id = text(input, "id"); // a build id is <project>:<uuid>
            project = id.startsWith("arn:") ? null : id.substring(0, id.lastIndexOf(':'));
        }
        return project == null ? "*" : project.startsWith("arn:") ? project : arns.codeBuildProject(project);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || !value.isTextual() || value.asText().isEmpty() ? null : value.asText();
    }
}
