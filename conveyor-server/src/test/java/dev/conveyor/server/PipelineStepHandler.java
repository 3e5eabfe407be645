package dev.conveyor.server;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A CodePipeline Lambda function in Java for {@link InvokeActionsTest}, run by the official runtime interface client
 * with the AWS SDK for Java v2 in its zip's {@code lib/}: S3 and the job's result with the job's artifact credentials,
 * the endpoint from {@code AWS_ENDPOINT_URL}.
 */
public class PipelineStepHandler implements RequestHandler<Map<String, Object>, String> {
    @Override
    @SuppressWarnings("unchecked")
    public String handleRequest(Map<String, Object> event, Context context) {
        Map<String, Object> job = (Map<String, Object>) event.get("CodePipeline.job");
        String jobId = (String) job.get("id");
        Map<String, Object> data = (Map<String, Object>) job.get("data");
        Map<String, String> credentials = (Map<String, String>) data.get("artifactCredentials");
        Map<String, Object> configuration = (Map<String, Object>) ((Map<String, Object>) data.get("actionConfiguration")).get("configuration");
        if ("fail".equals(configuration.get("UserParameters"))) {
            throw new IllegalStateException("java says no");
        }
        URI endpoint = URI.create(System.getenv("AWS_ENDPOINT_URL"));
        Region region = Region.of(System.getenv("AWS_REGION"));
        StaticCredentialsProvider jobCredentials = StaticCredentialsProvider.create(AwsSessionCredentials.create(
                credentials.get("accessKeyId"), credentials.get("secretAccessKey"), credentials.get("sessionToken")));
        try (S3Client s3 = S3Client.builder().endpointOverride(endpoint).forcePathStyle(true).region(region)
                .credentialsProvider(jobCredentials).httpClient(UrlConnectionHttpClient.create()).build();
             CodePipelineClient codePipeline = CodePipelineClient.builder().endpointOverride(endpoint).region(region)
                     .credentialsProvider(jobCredentials).httpClient(UrlConnectionHttpClient.create()).build()) {
            Map<String, Object> input = ((List<Map<String, Object>>) data.get("inputArtifacts")).getFirst();
            Map<String, String> source = (Map<String, String>) ((Map<String, Object>) input.get("location")).get("s3Location");
            byte[] zip = s3.getObjectAsBytes(r -> r.bucket(source.get("bucketName")).key(source.get("objectKey"))).asByteArray();
            String text = read(zip, "app.txt").strip();
            String shouted = text.toUpperCase(java.util.Locale.ROOT) + " (JAVA)";
            Map<String, Object> output = ((List<Map<String, Object>>) data.get("outputArtifacts")).getFirst();
            Map<String, String> target = (Map<String, String>) ((Map<String, Object>) output.get("location")).get("s3Location");
            s3.putObject(r -> r.bucket(target.get("bucketName")).key(target.get("objectKey")), RequestBody.fromBytes(zip("shout.txt", shouted)));
            context.getLogger().log("java function shouted " + shouted);
            codePipeline.putJobSuccessResult(r -> r.jobId(jobId).outputVariables(Map.of("SHOUTED", shouted, "RUNTIME", "java"))
                    .executionDetails(d -> d.summary("shouted in java").externalExecutionId(context.getAwsRequestId())));
        }
        return "done";
    }

    private static String read(byte[] zip, String name) {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (entry.getName().equals(name)) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            throw new IllegalStateException(name + " is not in the input artifact");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] zip(String name, String content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.putNextEntry(new ZipEntry(name));
            out.write(content.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
