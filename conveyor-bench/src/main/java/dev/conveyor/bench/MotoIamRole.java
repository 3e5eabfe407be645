package dev.conveyor.bench;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Creates, in moto's IAM, the role the benchmark's pipelines name. moto's CreatePipeline refuses a roleArn that
 * does not exist or whose trust policy does not allow {@code codepipeline.amazonaws.com}; Conveyor does not look
 * the role up, so this is done for moto only.
 */
final class MotoIamRole {
    private static final String TRUST_POLICY = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow",\
            "Principal":{"Service":"codepipeline.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";

    private MotoIamRole() {
    }

    /** IAM {@code CreateRole} (query protocol) for {@link PipelineFixture#ROLE_NAME}. */
    static void create(ServerProcess moto) throws IOException {
        String form = "Action=CreateRole&Version=2010-05-08&RoleName=" + PipelineFixture.ROLE_NAME
                + "&AssumeRolePolicyDocument=" + URLEncoder.encode(TRUST_POLICY, StandardCharsets.UTF_8);
        byte[] body = form.getBytes(StandardCharsets.UTF_8);
        // moto routes a request to IAM by the service in the credential scope of its Authorization header.
        String head = "POST / HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + moto.port() + "\r\n"
                + "Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
                + "X-Amz-Date: 20250101T000000Z\r\n"
                + "Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20250101/" + AwsJsonRequest.REGION
                + "/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=" + "0".repeat(64) + "\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);
        try (HttpConnection connection = new HttpConnection(moto.address())) {
            HttpConnection.Response response = connection.send(request);
            if (response.status() != 200) {
                throw new IllegalStateException("moto: IAM CreateRole answered HTTP " + response.status() + ": "
                        + connection.lastBody());
            }
        }
    }
}
