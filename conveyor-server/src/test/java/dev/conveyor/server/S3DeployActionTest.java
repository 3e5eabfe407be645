package dev.conveyor.server;

import static dev.conveyor.server.ExecutionFixtures.awaitSettled;
import static dev.conveyor.server.ExecutionFixtures.createdExecution;
import static dev.conveyor.server.ExecutionFixtures.stage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.artifacts.object.ObjectContent;
import dev.conveyor.artifacts.object.ObjectStore;
import dev.conveyor.artifacts.object.ObjectVersion;
import dev.conveyor.artifacts.object.ObjectWrite;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.codepipeline.model.ActionCategory;
import software.amazon.awssdk.services.codepipeline.model.ActionDeclaration;
import software.amazon.awssdk.services.codepipeline.model.ActionExecutionDetail;
import software.amazon.awssdk.services.codepipeline.model.ActionExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.InputArtifact;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecution;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;

/**
 * {@code Deploy/AWS/S3} in pipelines on the server's own object store: the input artifact extracted into a bucket
 * (under ObjectKey as a prefix) with content types by extension, or uploaded as one object, encrypted when the action
 * names a key, each object with the action's CacheControl (read back through the S3 endpoint); and the clear failures: a missing bucket, Extract false without ObjectKey, an artifact that is not a
 * zip, a key that does not exist, a CannedACL S3 does not know.
 */
class S3DeployActionTest extends ServerApiTest {

    private static ActionDeclaration s3Deploy(Map<String, String> configuration) {
        return ActionDeclaration.builder().name("ToBucket").actionTypeId(SamplePipelines.type(ActionCategory.DEPLOY, "S3"))
                .configuration(configuration).inputArtifacts(InputArtifact.builder().name("SourceOutput").build()).runOrder(1).build();
    }

    /** Runs a pipeline whose source is {@code sourceKey} and whose Deploy stage is the S3 action; returns its deploy action. */
    private ActionExecutionDetail deploy(String name, String sourceKey, Map<String, String> configuration, PipelineExecutionStatus expected) {
        var declaration = ExecutionFixtures.pipeline(name, "QUEUED", stage("Deploy", s3Deploy(configuration)));
        var source = declaration.stages().getFirst().actions().getFirst().toBuilder()
                .configuration(Map.of("S3Bucket", ExecutionFixtures.SOURCE_BUCKET, "S3ObjectKey", sourceKey, "PollForSourceChanges", "false")).build();
        declaration = declaration.toBuilder().stages(declaration.stages().getFirst().toBuilder().actions(source).build(),
                declaration.stages().get(1)).build();
        var pipeline = declaration;
        client().createPipeline(r -> r.pipeline(pipeline));
        String id = createdExecution(client(), name);
        PipelineExecution done = awaitSettled(client(), name, id);
        assertThat(done.status()).as(done.statusSummary()).isEqualTo(expected);
        return client().listActionExecutions(r -> r.pipelineName(name).filter(f -> f.pipelineExecutionId(id)))
                .actionExecutionDetails().stream().filter(a -> a.actionName().equals("ToBucket")).findFirst().orElseThrow();
    }

    private static ObjectStore objects() {
        return fixture.server().objects();
    }

    private static void bucket(String name) {
        objects().createBucket(name);
    }

    private static String read(String bucket, String key) throws Exception {
        try (ObjectContent content = objects().getObject(bucket, key, null, null); InputStream in = content.stream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** HeadObject through the server's S3 endpoint with the AWS SDK. */
    private static HeadObjectResponse headOverHttp(String bucket, String key) {
        try (S3Client s3 = ServerFixture.sdkClient(S3Client.builder().forcePathStyle(true), fixture.endpoint())) {
            return s3.headObject(r -> r.bucket(bucket).key(key));
        }
    }

    private static List<String> keys(String bucket) {
        return objects().listObjects(bucket, null, null, null, null, 1000).objects().stream().map(ObjectVersion::key).toList();
    }

    private String site(String key) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("index.html", "<h1>hello</h1>");
        files.put("app.js", "console.log(1)");
        files.put("notes", "no extension");
        ExecutionFixtures.putSource(objects(), key, files);
        return key;
    }

    @Test
    void extractsTheArtifactIntoTheBucketUnderTheObjectKeyPrefix() throws Exception {
        String bucket = "site-" + databaseKind;
        bucket(bucket);
        String sourceKey = site("site-" + databaseKind + ".zip");

        ActionExecutionDetail action = deploy("s3-extract-" + databaseKind, sourceKey,
                Map.of("BucketName", bucket, "Extract", "true", "ObjectKey", "releases/v1", "CacheControl", "public, max-age=3600"),
                PipelineExecutionStatus.SUCCEEDED);

        assertThat(keys(bucket)).containsExactlyInAnyOrder("releases/v1/index.html", "releases/v1/app.js", "releases/v1/notes");
        assertThat(read(bucket, "releases/v1/index.html")).isEqualTo("<h1>hello</h1>");
        assertThat(objects().headObject(bucket, "releases/v1/index.html", null).contentType()).isEqualTo("text/html");
        assertThat(objects().headObject(bucket, "releases/v1/app.js", null).contentType()).isEqualTo("application/javascript");
        assertThat(objects().headObject(bucket, "releases/v1/notes", null).contentType()).isNull();
        for (String file : List.of("index.html", "app.js", "notes")) {
            HeadObjectResponse head = headOverHttp(bucket, "releases/v1/" + file);
            assertThat(head.cacheControl()).as(file + "'s Cache-Control").isEqualTo("public, max-age=3600");
        }
        assertThat(headOverHttp(bucket, "releases/v1/index.html").contentType()).isEqualTo("text/html");
        assertThat(headOverHttp(bucket, "releases/v1/app.js").contentType()).isEqualTo("application/javascript");
        assertThat(headOverHttp(bucket, "releases/v1/notes").contentType()).as("no extension: S3's default").isEqualTo("binary/octet-stream");
        var result = action.output().executionResult();
        assertThat(result.externalExecutionSummary()).isEqualTo("Extracted 3 files of SourceOutput into s3://" + bucket + "/releases/v1/");
        assertThat(result.externalExecutionId()).isEqualTo("s3://" + bucket + "/releases/v1/");
        assertThat(result.externalExecutionUrl()).isEqualTo(fixture.endpoint() + "/" + bucket + "?list-type=2&prefix=releases%2Fv1%2F");
    }

    @Test
    void extractsIntoTheBucketsRootWithoutObjectKey() throws Exception {
        String bucket = "root-" + databaseKind;
        bucket(bucket);
        deploy("s3-root-" + databaseKind, site("root-" + databaseKind + ".zip"), Map.of("BucketName", bucket, "Extract", "true"),
                PipelineExecutionStatus.SUCCEEDED);
        assertThat(keys(bucket)).containsExactlyInAnyOrder("index.html", "app.js", "notes");
        assertThat(headOverHttp(bucket, "index.html").cacheControl()).as("no CacheControl configured, none stored").isNull();
    }

    @Test
    void uploadsTheArtifactAsOneEncryptedObjectWhenExtractIsFalse() throws Exception {
        String bucket = "zips-" + databaseKind;
        bucket(bucket);
        String sourceKey = site("zip-" + databaseKind + ".zip");
        Map<String, String> config = new HashMap<>(Map.of("BucketName", bucket, "Extract", "false", "ObjectKey", "builds/app.zip",
                "KMSEncryptionKeyARN", "arn:aws:kms:us-east-1:000000000000:alias/deploy-" + databaseKind,
                "CannedACL", "bucket-owner-full-control", "CacheControl", "max-age=60"));

        ActionExecutionDetail action = deploy("s3-upload-" + databaseKind, sourceKey, config, PipelineExecutionStatus.SUCCEEDED);

        assertThat(keys(bucket)).containsExactly("builds/app.zip");
        ObjectVersion stored = objects().headObject(bucket, "builds/app.zip", null);
        ObjectVersion source = objects().headObject(ExecutionFixtures.SOURCE_BUCKET, sourceKey, null);
        assertThat(stored.size()).isEqualTo(source.size());
        assertThat(stored.kmsKeyId()).as("encrypted with the action's key").isNotNull();
        assertThat(stored.contentType()).isEqualTo("application/zip");
        assertThat(stored.system().cacheControl()).isEqualTo("max-age=60");
        HeadObjectResponse head = headOverHttp(bucket, "builds/app.zip");
        assertThat(head.cacheControl()).isEqualTo("max-age=60");
        assertThat(head.contentType()).isEqualTo("application/zip");
        assertThat(action.output().executionResult().externalExecutionSummary()).isEqualTo("Uploaded SourceOutput to s3://" + bucket + "/builds/app.zip");
        assertThat(action.output().executionResult().externalExecutionUrl()).isEqualTo(fixture.endpoint() + "/" + bucket + "/builds/app.zip");
    }

    @Test
    void aMissingBucketFailsTheActionSayingSo() {
        ActionExecutionDetail action = deploy("s3-nobucket-" + databaseKind, site("nobucket-" + databaseKind + ".zip"),
                Map.of("BucketName", "no-such-bucket-" + databaseKind, "Extract", "true"), PipelineExecutionStatus.FAILED);
        assertThat(action.status()).isEqualTo(ActionExecutionStatus.FAILED);
        assertThat(action.output().executionResult().errorDetails().message())
                .contains("cannot write to bucket no-such-bucket-" + databaseKind).contains("aws s3 mb");
    }

    @Test
    void extractFalseWithoutObjectKeyIsAConfigurationError() {
        String bucket = "nokey-" + databaseKind;
        bucket(bucket);
        ActionExecutionDetail action = deploy("s3-nokey-" + databaseKind, site("nokey-" + databaseKind + ".zip"),
                Map.of("BucketName", bucket, "Extract", "false"), PipelineExecutionStatus.FAILED);
        assertThat(action.output().executionResult().errorDetails().message()).contains("needs ObjectKey when Extract is false");
        assertThat(keys(bucket)).isEmpty();
    }

    @Test
    void anArtifactThatIsNotAZipCannotBeExtractedButCanBeUploaded() throws Exception {
        String bucket = "notzip-" + databaseKind;
        bucket(bucket);
        String key = "plain-" + databaseKind + ".txt";
        byte[] text = "just text".getBytes(StandardCharsets.UTF_8);
        site("notzip-" + databaseKind + ".zip"); // the source bucket, made as every source object's is
        objects().putObject(ExecutionFixtures.SOURCE_BUCKET, key, ObjectWrite.plain().withLength(text.length), new ByteArrayInputStream(text));

        ActionExecutionDetail failed = deploy("s3-notzip-" + databaseKind, key, Map.of("BucketName", bucket, "Extract", "true"),
                PipelineExecutionStatus.FAILED);
        assertThat(failed.output().executionResult().errorDetails().message()).contains("is not a zip file")
                .contains("set Extract to false");
        assertThat(keys(bucket)).isEmpty();

        deploy("s3-notzip-upload-" + databaseKind, key, Map.of("BucketName", bucket, "Extract", "false", "ObjectKey", "plain.txt"),
                PipelineExecutionStatus.SUCCEEDED);
        assertThat(read(bucket, "plain.txt")).isEqualTo("just text");
    }

    @Test
    void anUnknownKeyOrCannedAclFailsTheActionWithTheReason() {
        String bucket = "badkey-" + databaseKind;
        bucket(bucket);
        ActionExecutionDetail unknownKey = deploy("s3-badkey-" + databaseKind, site("badkey-" + databaseKind + ".zip"),
                Map.of("BucketName", bucket, "Extract", "false", "ObjectKey", "app.zip",
                        "KMSEncryptionKeyARN", "arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000000"),
                PipelineExecutionStatus.FAILED);
        assertThat(unknownKey.output().executionResult().errorDetails().message()).contains("KMS.NotFoundException");
        ActionExecutionDetail acl = deploy("s3-badacl-" + databaseKind, site("badacl-" + databaseKind + ".zip"),
                Map.of("BucketName", bucket, "Extract", "true", "CannedACL", "everyone"), PipelineExecutionStatus.FAILED);
        assertThat(acl.output().executionResult().errorDetails().message()).contains("CannedACL 'everyone' is not one of S3's canned ACLs");
        assertThat(keys(bucket)).isEmpty();
    }
}
