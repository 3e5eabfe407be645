package dev.conveyor.bench;

import java.util.Locale;

/**
 * The pipelines the benchmark stores: realistic three-stage pipelines in the shape of the AWS CLI
 * {@code create-pipeline} example (S3 source, CodeBuild build, CodeDeploy deploy), each with its own names so
 * that no two stored declarations are identical.
 */
final class PipelineFixture {
    /** The IAM role every pipeline names; moto requires it to exist and to trust codepipeline.amazonaws.com. */
    static final String ROLE_NAME = "conveyor-bench-codepipeline";
    static final String ROLE_ARN = "arn:aws:iam::" + AwsJsonRequest.ACCOUNT_ID + ":role/" + ROLE_NAME;

    private static final String TEMPLATE = """
            {"pipeline":{"name":"%1$s","roleArn":"%2$s",\
            "artifactStore":{"type":"S3","location":"codepipeline-us-east-1-bench-artifacts"},\
            "stages":[\
            {"name":"Source","actions":[{"name":"Source",\
            "actionTypeId":{"category":"Source","owner":"AWS","provider":"S3","version":"1"},\
            "runOrder":1,"configuration":{"S3Bucket":"bench-source-artifacts","S3ObjectKey":"%1$s/source.zip",\
            "PollForSourceChanges":"false"},"outputArtifacts":[{"name":"SourceArtifact"}],"inputArtifacts":[]}]},\
            {"name":"Build","actions":[{"name":"Build",\
            "actionTypeId":{"category":"Build","owner":"AWS","provider":"CodeBuild","version":"1"},\
            "runOrder":1,"configuration":{"ProjectName":"%1$s-build"},\
            "inputArtifacts":[{"name":"SourceArtifact"}],"outputArtifacts":[{"name":"BuildArtifact"}]}]},\
            {"name":"Deploy","actions":[{"name":"Deploy",\
            "actionTypeId":{"category":"Deploy","owner":"AWS","provider":"CodeDeploy","version":"1"},\
            "runOrder":1,"configuration":{"ApplicationName":"%1$s-app","DeploymentGroupName":"%1$s-fleet"},\
            "inputArtifacts":[{"name":"BuildArtifact"}],"outputArtifacts":[]}]}\
            ],"version":1}}""";

    private PipelineFixture() {
    }

    /** The name of pipeline {@code index} (0-based); zero-padded so that names sort in index order. */
    static String name(int index) {
        return String.format(Locale.ROOT, "bench-pipeline-%05d", index);
    }

    /** The {@code CreatePipeline} request body for pipeline {@code index}. */
    static String createBody(int index) {
        return TEMPLATE.formatted(name(index), ROLE_ARN);
    }

    /** The {@code GetPipeline} request body for pipeline {@code index}. */
    static String getBody(int index) {
        return "{\"name\":\"" + name(index) + "\"}";
    }
}
