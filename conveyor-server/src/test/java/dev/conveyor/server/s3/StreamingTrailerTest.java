package dev.conveyor.server.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.server.ConveyorServer;
import dev.conveyor.server.ServerConfig;
import dev.conveyor.testkit.TestCredentials;
import dev.conveyor.testkit.TestSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code aws-chunked} bodies with trailers, as the SDK v2 and the AWS CLI send them with flexible checksums by default:
 * {@code x-amz-trailer} names a trailing checksum that is verified against the body, and with
 * {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER} the trailer's own signature is verified too: a forged trailer
 * (another checksum, or a signature that is not the key's) is refused and stores nothing.
 */
class StreamingTrailerTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ConveyorServer server;
    private static final List<Map<String, List<String>>> SENT = new CopyOnWriteArrayList<>();
    private static S3Client s3;

    @BeforeAll
    static void start() throws Exception {
        server = new ConveyorServer(ServerConfig.embedded(Files.createTempDirectory("conveyor-trailers-"), 0)
                .withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY))).start();
        s3 = S3Client.builder().forcePathStyle(true).region(Region.US_EAST_1).endpointOverride(URI.create(server.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(TestCredentials.ACCESS_KEY_ID,
                        TestCredentials.SECRET_ACCESS_KEY))).httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                        SENT.add(context.httpRequest().headers());
                    }
                })).build();
        s3.createBucket(b -> b.bucket("trailers"));
    }

    @AfterAll
    static void stop() {
        s3.close();
        server.close();
    }

    @Test
    void theSdkV2UploadsWithItsDefaultTrailingChecksumAndReadsItBack() {
        SENT.clear();
        String text = "a body the SDK sends aws-chunked, its CRC32 in a trailer ".repeat(200);
        s3.putObject(b -> b.bucket("trailers").key("sdk.txt"), RequestBody.fromString(text));
        Map<String, List<String>> put = SENT.stream().filter(h -> h.containsKey("x-amz-trailer")).findFirst()
                .orElseThrow(() -> new AssertionError("the SDK sent no x-amz-trailer: " + SENT));
        assertThat(put.get("x-amz-content-sha256").get(0)).endsWith("-TRAILER");
        assertThat(s3.getObjectAsBytes(b -> b.bucket("trailers").key("sdk.txt")).asUtf8String()).isEqualTo(text);
    }

    @Test
    void theAwsCliUploadsWithItsDefaultChecksumAndTheObjectReadsBack(@org.junit.jupiter.api.io.TempDir java.nio.file.Path work)
            throws Exception {
        byte[] data = new byte[9 * 1024 * 1024]; // over the CLI's multipart threshold: parts with checksums of their own
        new java.util.Random(7).nextBytes(data);
        java.nio.file.Path file = work.resolve("big.bin");
        Files.write(file, data);
        Files.writeString(work.resolve("small.txt"), "a small file the CLI puts in one request");
        AwsCliRunner aws = new AwsCliRunner(server.endpoint(), work);
        aws.ok("s3", "cp", file.toString(), "s3://trailers/cli/big.bin");
        aws.ok("s3", "cp", work.resolve("small.txt").toString(), "s3://trailers/cli/small.txt");
        assertThat(s3.getObjectAsBytes(b -> b.bucket("trailers").key("cli/big.bin")).asByteArray()).isEqualTo(data);
        assertThat(s3.getObjectAsBytes(b -> b.bucket("trailers").key("cli/small.txt")).asUtf8String())
                .isEqualTo("a small file the CLI puts in one request");
    }

    @Test
    void aSignedTrailerIsVerifiedAndAForgedOneIsRefused() throws Exception {
        byte[] data = "signed chunks, signed trailer".getBytes(StandardCharsets.UTF_8);
        String checksum = crc32(data);
        assertThat(upload("genuine.txt", data, checksum, null).statusCode()).isEqualTo(200);
        assertThat(s3.getObjectAsBytes(b -> b.bucket("trailers").key("genuine.txt")).asByteArray()).isEqualTo(data);

        // The right checksum under a signature that is not the key's.
        HttpResponse<String> forgedSignature = upload("forged.txt", data, checksum, "0".repeat(64));
        assertThat(forgedSignature.statusCode()).as(forgedSignature.body()).isEqualTo(403);
        assertThat(forgedSignature.body()).contains("<Code>SignatureDoesNotMatch</Code>").contains("trailer signature");
        // Another checksum (of other bytes) under the genuine signature of the first: the signature no longer matches.
        HttpResponse<String> forgedChecksum = upload("forged.txt", data, crc32("other".getBytes(StandardCharsets.UTF_8)), "genuine-of:" + checksum);
        assertThat(forgedChecksum.statusCode()).as(forgedChecksum.body()).isEqualTo(403);
        assertThat(forgedChecksum.body()).contains("<Code>SignatureDoesNotMatch</Code>");
        // No trailer signature at all.
        HttpResponse<String> unsigned = upload("forged.txt", data, checksum, "none");
        assertThat(unsigned.statusCode()).as(unsigned.body()).isEqualTo(403);
        HttpResponse<String> head = HTTP.send(TestSigner.request("HEAD", URI.create(server.endpoint() + "/trailers/forged.txt"), Map.of(),
                null, "s3").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).as("nothing was stored").isEqualTo(404);
    }

    /**
     * PUTs {@code data} as one signed chunk with a CRC32 trailer carrying {@code checksum}; {@code trailerSignature}
     * null signs the trailer properly, {@code "none"} leaves the signature out, {@code "genuine-of:<crc>"} signs the
     * trailer of that other checksum, anything else is sent as the signature.
     */
    private static HttpResponse<String> upload(String key, byte[] data, String checksum, String trailerSignature) throws Exception {
        URI uri = URI.create(server.endpoint() + "/trailers/" + key);
        Map<String, String> headers = Map.of("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
                "Content-Encoding", "aws-chunked", "x-amz-decoded-content-length", Integer.toString(data.length),
                "x-amz-trailer", "x-amz-checksum-crc32");
        Map<String, String> signed = TestSigner.admin().sign("PUT", uri, headers, null, "s3", Instant.now());
        String seed = signed.get("Authorization").replaceAll(".*Signature=", "");
        Signer chunks = new Signer(TestCredentials.SECRET_ACCESS_KEY, signed.get("X-Amz-Date"), seed);
        StringBuilder body = new StringBuilder();
        body.append(Integer.toHexString(data.length)).append(";chunk-signature=").append(chunks.chunk(data)).append("\r\n")
                .append(new String(data, StandardCharsets.UTF_8)).append("\r\n");
        body.append("0;chunk-signature=").append(chunks.chunk(new byte[0])).append("\r\n");
        String trailer = "x-amz-checksum-crc32:" + checksum;
        body.append(trailer).append("\r\n");
        String signature = trailerSignature == null ? chunks.trailer(trailer + "\n")
                : trailerSignature.startsWith("genuine-of:") ? chunks.trailer("x-amz-checksum-crc32:" + trailerSignature.substring(11) + "\n")
                : trailerSignature;
        if (!"none".equals(signature)) {
            body.append("x-amz-trailer-signature:").append(signature).append("\r\n");
        }
        body.append("\r\n");
        HttpRequest.Builder put = HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.ofString(body.toString()));
        headers.forEach(put::header);
        signed.forEach(put::header);
        return HTTP.send(put.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String crc32(byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(data);
        long value = crc.getValue();
        return Base64.getEncoder().encodeToString(new byte[] {(byte) (value >> 24), (byte) (value >> 16), (byte) (value >> 8), (byte) value});
    }

    /** Chunk and trailer signatures, written from the SigV4 streaming specification. */
    private static final class Signer {
        private final byte[] key;
        private final String amzDate;
        private final String scope;
        private String previous;

        Signer(String secret, String amzDate, String seed) {
            String date = amzDate.substring(0, 8);
            byte[] k = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
            k = hmac(k, "us-east-1");
            k = hmac(k, "s3");
            this.key = hmac(k, "aws4_request");
            this.amzDate = amzDate;
            this.scope = date + "/us-east-1/s3/aws4_request";
            this.previous = seed;
        }

        String chunk(byte[] data) {
            previous = HexFormat.of().formatHex(hmac(key, "AWS4-HMAC-SHA256-PAYLOAD\n" + amzDate + "\n" + scope + "\n" + previous + "\n"
                    + sha256Hex(new byte[0]) + "\n" + sha256Hex(data)));
            return previous;
        }

        String trailer(String canonical) {
            return HexFormat.of().formatHex(hmac(key, "AWS4-HMAC-SHA256-TRAILER\n" + amzDate + "\n" + scope + "\n" + previous + "\n"
                    + sha256Hex(canonical.getBytes(StandardCharsets.UTF_8))));
        }

        private static byte[] hmac(byte[] key, String data) {
            try {
                javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
                mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
                return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        private static String sha256Hex(byte[] data) {
            try {
                return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
