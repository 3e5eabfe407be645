package dev.conveyor.server.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.server.ServerConfig;
import dev.conveyor.testkit.Await;
import dev.conveyor.testkit.MotoServer;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.codepipeline.model.ActionCategory;
import software.amazon.awssdk.services.codepipeline.model.ActionDeclaration;
import software.amazon.awssdk.services.codepipeline.model.ActionOwner;
import software.amazon.awssdk.services.codepipeline.model.ActionTypeId;
import software.amazon.awssdk.services.codepipeline.model.ArtifactStoreType;
import software.amazon.awssdk.services.codepipeline.model.InputArtifact;
import software.amazon.awssdk.services.codepipeline.model.OutputArtifact;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecution;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionSummary;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code Deploy/AWS/S3} with {@code --artifact-endpoint}: the pipeline's source, its artifacts and the bucket it deploys
 * into all live in moto's S3 server; the extracted files are there, read straight from moto, with their Content-Type by
 * extension and the action's CacheControl set on moto's objects themselves (and served back through Conveyor).
 */
class S3DeployExternalStoreTest {
    private static MotoServer moto;
    private static S3ServerFixture server;
    private static S3Client motoClient;

    @BeforeAll
    static void start() {
        moto = MotoServer.start();
        System.setProperty("aws.accessKeyId", "testing");
        System.setProperty("aws.secretAccessKey", "testing");
        server = new S3ServerFixture("h2", config -> config.withArtifacts(new ServerConfig.ArtifactSettings(URI.create(moto.endpoint()),
                1L << 40, dev.conveyor.artifacts.RetentionPolicy.KEEP_ALL, Duration.ofHours(1))));
        motoClient = S3Client.builder().endpointOverride(URI.create(moto.endpoint())).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))).build();
    }

    @AfterAll
    static void stop() {
        motoClient.close();
        server.close();
        moto.close();
    }

    private static byte[] zip(Map<String, String> files) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> f : files.entrySet()) {
                out.putNextEntry(new ZipEntry(f.getKey()));
                out.write(f.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static ActionTypeId type(ActionCategory category, String provider) {
        return ActionTypeId.builder().category(category).owner(ActionOwner.AWS).provider(provider).version("1").build();
    }

    @Test
    void theArtifactIsExtractedIntoABucketOfTheExternalStore() throws Exception {
        S3Client s3 = server.s3();
        s3.createBucket(r -> r.bucket("ext-sources"));
        s3.putBucketVersioning(r -> r.bucket("ext-sources").versioningConfiguration(v -> v.status(
                software.amazon.awssdk.services.s3.model.BucketVersioningStatus.ENABLED)));
        s3.putObject(r -> r.bucket("ext-sources").key("site.zip"),
                RequestBody.fromBytes(zip(Map.of("index.html", "<p>external</p>", "css/site.css", "p{}"))));
        s3.createBucket(r -> r.bucket("ext-site"));

        var source = ActionDeclaration.builder().name("Source").actionTypeId(type(ActionCategory.SOURCE, "S3"))
                .configuration(Map.of("S3Bucket", "ext-sources", "S3ObjectKey", "site.zip", "PollForSourceChanges", "false"))
                .outputArtifacts(OutputArtifact.builder().name("Site").build()).runOrder(1).build();
        var deploy = ActionDeclaration.builder().name("Publish").actionTypeId(type(ActionCategory.DEPLOY, "S3"))
                .configuration(Map.of("BucketName", "ext-site", "Extract", "true", "ObjectKey", "www", "CacheControl", "max-age=86400"))
                .inputArtifacts(InputArtifact.builder().name("Site").build()).runOrder(1).build();
        server.codePipeline().createPipeline(r -> r.pipeline(p -> p.name("ext-s3-deploy").pipelineType("V2")
                .roleArn("arn:aws:iam::111111111111:role/conveyor")
                .artifactStore(a -> a.type(ArtifactStoreType.S3).location("ext-artifacts"))
                .stages(s -> s.name("Source").actions(source), s -> s.name("Deploy").actions(deploy))));
        String id = server.codePipeline().listPipelineExecutions(r -> r.pipelineName("ext-s3-deploy")).pipelineExecutionSummaries()
                .stream().map(PipelineExecutionSummary::pipelineExecutionId).findFirst().orElseThrow();
        PipelineExecution done = Await.await(() -> server.codePipeline().getPipelineExecution(r -> r.pipelineName("ext-s3-deploy")
                        .pipelineExecutionId(id)).pipelineExecution(),
                e -> !List.of(PipelineExecutionStatus.IN_PROGRESS, PipelineExecutionStatus.STOPPING).contains(e.status()),
                Duration.ofSeconds(60), "the pipeline to settle");
        assertThat(done.status()).as(done.statusSummary()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);

        assertThat(motoClient.listObjectsV2(r -> r.bucket("ext-site")).contents()).extracting(S3Object::key)
                .containsExactlyInAnyOrder("www/index.html", "www/css/site.css");
        assertThat(motoClient.getObjectAsBytes(r -> r.bucket("ext-site").key("www/index.html")).asUtf8String()).isEqualTo("<p>external</p>");
        assertThat(motoClient.headObject(r -> r.bucket("ext-site").key("www/css/site.css")).contentType()).isEqualTo("text/css");
        assertThat(motoClient.headObject(r -> r.bucket("ext-site").key("www/index.html")).contentType()).isEqualTo("text/html");
        for (String key : List.of("www/index.html", "www/css/site.css")) {
            assertThat(motoClient.headObject(r -> r.bucket("ext-site").key(key)).cacheControl()).as(key + " in moto").isEqualTo("max-age=86400");
            assertThat(s3.headObject(r -> r.bucket("ext-site").key(key)).cacheControl()).as(key + " through Conveyor").isEqualTo("max-age=86400");
        }
    }
}
