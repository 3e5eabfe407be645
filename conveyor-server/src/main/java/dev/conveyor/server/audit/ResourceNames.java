package dev.conveyor.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.audit.AuditResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The resources a call names, read from its input by member name per service: a pipeline's {@code name} or
 * {@code pipelineName}, a parameter's {@code Name}, a project's {@code name}, a user's {@code UserName}…
 * (the types are CloudFormation's, as CloudTrail reports them).
 */
final class ResourceNames {
    private record Member(String name, String type) {
    }

    private static final Map<String, List<Member>> BY_SERVICE = Map.of(
            "codepipeline", List.of(new Member("pipelineName", "AWS::CodePipeline::Pipeline"),
                    new Member("webhookName", "AWS::CodePipeline::Webhook"), new Member("resourceArn", "AWS::CodePipeline::Pipeline")),
            "codebuild", List.of(new Member("projectName", "AWS::CodeBuild::Project")),
            "ssm", List.of(new Member("Name", "AWS::SSM::Parameter")),
            "secretsmanager", List.of(new Member("Name", "AWS::SecretsManager::Secret"), new Member("SecretId", "AWS::SecretsManager::Secret")),
            "codeconnections", List.of(new Member("ConnectionName", "AWS::CodeConnections::Connection"),
                    new Member("ConnectionArn", "AWS::CodeConnections::Connection"), new Member("HostArn", "AWS::CodeConnections::Host")),
            "codestar-connections", List.of(new Member("ConnectionName", "AWS::CodeStarConnections::Connection"),
                    new Member("ConnectionArn", "AWS::CodeStarConnections::Connection")),
            "iam", List.of(new Member("UserName", "AWS::IAM::User"), new Member("RoleName", "AWS::IAM::Role"),
                    new Member("PolicyArn", "AWS::IAM::Policy"), new Member("PolicyName", "AWS::IAM::Policy"),
                    new Member("AccessKeyId", "AWS::IAM::AccessKey")),
            "sts", List.of(new Member("RoleArn", "AWS::IAM::Role")));

    private ResourceNames() {
    }

    static List<AuditResource> of(String service, JsonNode input) {
        List<AuditResource> out = new ArrayList<>();
        for (Member member : BY_SERVICE.getOrDefault(service, List.of())) {
            JsonNode value = input.get(member.name());
            if (value != null && value.isTextual()) {
                out.add(new AuditResource(member.type(), value.asText()));
            }
        }
        // A pipeline or project created or updated is named inside the declaration.
        if (service.equals("codepipeline")) {
            JsonNode name = input.path("pipeline").path("name");
            if (name.isTextual()) {
                out.add(new AuditResource("AWS::CodePipeline::Pipeline", name.asText()));
            } else if (input.path("name").isTextual()) {
                out.add(new AuditResource("AWS::CodePipeline::Pipeline", input.get("name").asText()));
            }
            JsonNode webhook = input.path("webhook").path("name");
            if (webhook.isTextual()) {
                out.add(new AuditResource("AWS::CodePipeline::Webhook", webhook.asText()));
            }
        } else if (service.equals("codebuild") && input.path("name").isTextual()) {
            out.add(new AuditResource("AWS::CodeBuild::Project", input.get("name").asText()));
        }
        return out;
    }
}
