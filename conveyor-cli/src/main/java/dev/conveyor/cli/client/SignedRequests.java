package dev.conveyor.cli.client;

import java.net.URI;
import java.net.http.HttpRequest;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** SigV4 for Conveyor's own endpoints ({@code /conveyor/v1/events/…}): service name {@code conveyor}, empty body. */
final class SignedRequests {
    private SignedRequests() {
    }

    /** A request builder for {@code method uri}, its SigV4 headers set. */
    static HttpRequest.Builder signed(String method, URI uri, AwsCredentialsProvider credentials, String region) {
        AwsCredentials c = credentials.resolveCredentials();
        SdkHttpRequest unsigned = SdkHttpRequest.builder().uri(uri).method(SdkHttpMethod.fromValue(method)).build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(AwsCredentialsIdentity.create(c.accessKeyId(), c.secretAccessKey()))
                .request(unsigned).payload(null)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "conveyor")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody());
        signed.request().headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Host")) {
                request.header(name, values.getFirst());
            }
        });
        return request;
    }
}
