package dev.conveyor.agent.deploy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * SigV4 for the agent's calls, with the key pair of its environment ({@code AWS_ACCESS_KEY_ID},
 * {@code AWS_SECRET_ACCESS_KEY}, optionally {@code AWS_SESSION_TOKEN}), as the AWS CLI would sign them; without
 * those variables requests go unsigned (a server that does not require signatures takes them).
 */
final class RequestSigner {
    /** Headers java.net.http sets itself (the signed Host is the one it sends). */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    private final AwsCredentialsIdentity identity;
    private final String region;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    private RequestSigner(AwsCredentialsIdentity identity, String region) {
        this.identity = identity;
        this.region = region;
    }

    static RequestSigner fromEnvironment(Map<String, String> env, String region) {
        String id = env.get("AWS_ACCESS_KEY_ID");
        String secret = env.get("AWS_SECRET_ACCESS_KEY");
        if (id == null || id.isBlank() || secret == null || secret.isBlank()) {
            return new RequestSigner(null, region);
        }
        String token = env.get("AWS_SESSION_TOKEN");
        return new RequestSigner(token == null || token.isBlank() ? AwsCredentialsIdentity.create(id, secret)
                : AwsSessionCredentialsIdentity.create(id, secret, token), region);
    }

    boolean signs() {
        return identity != null;
    }

    /** Adds the signature headers of a request to {@code builder} (nothing without credentials). */
    void sign(HttpRequest.Builder builder, String method, URI uri, Map<String, String> headers, byte[] body, String service) {
        if (identity == null) {
            return;
        }
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
        headers.forEach(request::putHeader);
        SignedRequest signed = signer.sign(r -> r.identity(identity).request(request.build())
                .payload(body == null ? null : ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        for (Map.Entry<String, List<String>> header : signed.request().headers().entrySet()) {
            if (!RESTRICTED.contains(header.getKey().toLowerCase(java.util.Locale.ROOT)) && !headers.containsKey(header.getKey())) {
                builder.header(header.getKey(), header.getValue().get(0));
            }
        }
    }
}
