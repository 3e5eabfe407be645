package dev.conveyor.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.server.ServerFixture;
import dev.conveyor.testkit.TestSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Malformed and forged signatures on the JSON APIs and S3: random Authorization headers, dates, credential scopes,
 * presigned parameters and bodies, and valid signatures with one thing changed. None may be answered 5xx, none may
 * be accepted (2xx), and no answer may carry a stack trace or a path of the server's.
 */
class SignatureFuzzTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static dev.conveyor.server.ConveyorServer server;

    /** One request to send: where, its headers, its body. */
    record Attempt(String surface, String pathAndQuery, Map<String, String> headers, String body) {
    }

    @BeforeContainer
    static void start() {
        try {
            // Failures are the point here: no throttling, so every attempt reaches verification.
            server = new dev.conveyor.server.ConveyorServer(dev.conveyor.server.ServerConfig.embedded(
                    java.nio.file.Files.createTempDirectory("conveyor-sigfuzz-"), 0).withAuth(dev.conveyor.server.ServerConfig.AuthSettings
                    .administrator(dev.conveyor.testkit.TestCredentials.ACCESS_KEY_ID, dev.conveyor.testkit.TestCredentials.SECRET_ACCESS_KEY)
                    .withMaxFailuresPerMinute(1_000_000))).start();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try (var s3 = ServerFixture.sdkClientForFuzz(software.amazon.awssdk.services.s3.S3Client.builder().forcePathStyle(true),
                server.endpoint())) {
            s3.createBucket(b -> b.bucket("fuzz"));
            s3.putObject(b -> b.bucket("fuzz").key("k"), software.amazon.awssdk.core.sync.RequestBody.fromString("guarded"));
        }
    }

    @AfterContainer
    static void stop() {
        server.close();
    }

    @Property(tries = 400, seed = "20261206")
    void noMalformedOrForgedSignatureIsAcceptedOrAnsweredWithAFault(@ForAll("attempts") Attempt attempt) throws Exception {
        URI uri = URI.create(server.endpoint() + attempt.pathAndQuery());
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        attempt.headers().forEach(request::header);
        if ("s3".equals(attempt.surface())) {
            request.GET();
        } else {
            request.POST(HttpRequest.BodyPublishers.ofString(attempt.body()));
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        String what = attempt + " answered " + response.statusCode() + " " + response.body();
        assertThat(response.statusCode()).as(what).isBetween(400, 499);
        assertThat(response.body()).as(what).doesNotContain("\tat ", "java.", "/tmp/", "/work/", "/home/", "Exception:");
    }

    @Provide
    Arbitrary<Attempt> attempts() {
        return Arbitraries.oneOf(randomHeaders(), forgedValidSignatures(), randomPresigned());
    }

    private static Arbitrary<String> printable(int max) {
        return Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(max).map(String::strip);
    }

    /** Authorization headers and dates assembled from random and near-valid parts. */
    private Arbitrary<Attempt> randomHeaders() {
        Arbitrary<String> key = Arbitraries.oneOf(printable(30), Arbitraries.of("AKIDEXAMPLE", "", "AKIAUNKNOWNEXAMPLE00", "ASIA0000000000000000"));
        Arbitrary<String> date = Arbitraries.oneOf(printable(12), Arbitraries.of("20260101", "99999999", "", "2026-01-01"));
        Arbitrary<String> region = Arbitraries.oneOf(printable(12), Arbitraries.of("us-east-1", ""));
        Arbitrary<String> service = Arbitraries.of("codepipeline", "s3", "iam", "logs", "", "x");
        Arbitrary<String> scope = Combinators.combine(key, date, region, service, Arbitraries.of("aws4_request", "", "aws4"), printable(10))
                .as((k, d, r, s, t, extra) -> extra.isEmpty() ? k + "/" + d + "/" + r + "/" + s + "/" + t : k + "/" + extra);
        Arbitrary<String> authorization = Combinators.combine(Arbitraries.of("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA256 ", "AWS ", "Bearer ", ""),
                scope, printable(40), Arbitraries.oneOf(printable(70), Arbitraries.strings().withChars("0123456789abcdef").ofLength(64)),
                Arbitraries.of(true, false))
                .as((scheme, s, signed, signature, wellFormed) -> wellFormed
                        ? scheme + " Credential=" + s + ", SignedHeaders=" + (signed.isEmpty() ? "host;x-amz-date" : signed) + ", Signature=" + signature
                        : scheme + s + signed + signature);
        Arbitrary<String> amzDate = Arbitraries.oneOf(printable(20), Arbitraries.of("20260101T000000Z", "29991231T235959Z", "", "not-a-date"));
        return Combinators.combine(Arbitraries.of("json", "s3"), authorization, amzDate, printable(200))
                .as((surface, auth, when, body) -> {
                    Map<String, String> headers = new LinkedHashMap<>();
                    if (!auth.isEmpty()) {
                        headers.put("Authorization", auth);
                    }
                    if (!when.isEmpty()) {
                        headers.put("X-Amz-Date", when);
                    }
                    if ("json".equals(surface)) {
                        headers.put("X-Amz-Target", "CodePipeline_20150709.ListPipelines");
                        headers.put("Content-Type", "application/x-amz-json-1.1");
                    } else {
                        headers.put("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
                    }
                    return new Attempt(surface, "s3".equals(surface) ? "/fuzz/k" : "/", headers, body);
                });
    }

    /** A valid signature by the test administrator with one thing changed after signing: never accepted. */
    private Arbitrary<Attempt> forgedValidSignatures() {
        return Combinators.combine(Arbitraries.of("json", "s3"), Arbitraries.of("signature", "date", "body", "target", "path", "key", "skew"),
                Arbitraries.integers().between(0, 63), printable(50))
                .as((surface, change, position, noise) -> {
                    boolean json = "json".equals(surface);
                    String path = json ? "/" : "/fuzz/k";
                    Map<String, String> headers = new LinkedHashMap<>();
                    if (json) {
                        headers.put("X-Amz-Target", "CodePipeline_20150709.ListPipelines");
                        headers.put("Content-Type", "application/x-amz-json-1.1");
                    }
                    String body = json ? "{}" : "";
                    Instant at = "skew".equals(change) ? Instant.now().minusSeconds(3600) : Instant.now();
                    Map<String, String> signed = new LinkedHashMap<>(TestSigner.admin().sign(json ? "POST" : "GET",
                            URI.create(server.endpoint() + path), headers, body.getBytes(StandardCharsets.UTF_8), json ? "codepipeline" : "s3", at));
                    String authorization = signed.get("Authorization");
                    switch (change) {
                        case "signature" -> {
                            int at64 = authorization.length() - 64 + position;
                            char c = authorization.charAt(at64);
                            signed.put("Authorization", authorization.substring(0, at64) + (c == '0' ? '1' : '0') + authorization.substring(at64 + 1));
                        }
                        case "date" -> signed.put("X-Amz-Date", signed.get("X-Amz-Date").replace('0', '1'));
                        case "body" -> body = json ? "{\"nextToken\": \"" + noise.replace("\"", "").replace("\\", "") + "x\"}" : body;
                        case "target" -> headers.put("X-Amz-Target", json ? "CodePipeline_20150709.DeletePipeline" : "x");
                        case "path" -> path = json ? "/other" : "/fuzz/other";
                        case "key" -> signed.put("Authorization", authorization.replace("AKIDEXAMPLE", "AKIDEXAMPLF"));
                        default -> { }
                    }
                    if ("body".equals(change) && !json) { // S3 GETs have no body: change the signed host's port instead
                        signed.put("Authorization", authorization.replace("SignedHeaders=", "SignedHeaders=content-type;"));
                    }
                    headers.putAll(signed);
                    return new Attempt(surface, path, headers, body);
                });
    }

    /** Presigned S3 URLs with random or tampered query parameters. */
    private Arbitrary<Attempt> randomPresigned() {
        return Combinators.combine(Arbitraries.of("expires", "credential", "signature", "date", "random"), printable(30),
                Arbitraries.integers().between(-5, 700000))
                .as((change, noise, number) -> {
                    URI good = TestSigner.admin().presign("GET", URI.create(server.endpoint() + "/fuzz/k"), 60, Instant.now().minusSeconds(
                            "date".equals(change) ? 7200 : 0));
                    String query = good.getRawQuery();
                    String encodedNoise = java.net.URLEncoder.encode(noise, StandardCharsets.UTF_8);
                    query = switch (change) {
                        case "expires" -> query.replace("X-Amz-Expires=60", "X-Amz-Expires=" + number);
                        case "credential" -> query.replace("AKIDEXAMPLE", encodedNoise.isEmpty() ? "X" : encodedNoise);
                        case "signature" -> query.replaceAll("X-Amz-Signature=[0-9a-f]{4}", "X-Amz-Signature=ffff").replace("ffff", "fffe");
                        case "random" -> query + "&" + encodedNoise + "=" + number;
                        default -> query;
                    };
                    return new Attempt("s3", "/fuzz/k?" + query, Map.of(), "");
                });
    }
}
