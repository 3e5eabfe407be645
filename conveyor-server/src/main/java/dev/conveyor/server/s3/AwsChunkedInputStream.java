package dev.conveyor.server.s3;

import dev.conveyor.artifacts.object.S3ErrorCode;
import dev.conveyor.artifacts.object.S3Exception;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Decodes an {@code aws-chunked} request body, as SigV4 streaming uploads send it: chunks of
 * {@code <hex size>[;chunk-signature=<sig>]\r\n<data>\r\n}, a zero-size last chunk, then optional trailers
 * ({@code x-amz-checksum-crc32:<base64>}, {@code x-amz-trailer-signature:…}) and an empty line. Covers
 * {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD}, {@code STREAMING-UNSIGNED-PAYLOAD-TRAILER} and the signed-trailer
 * variant. Chunk signatures, when the authenticator hands them over, are verified chunk by chunk (a forged or
 * reordered chunk fails the upload with SignatureDoesNotMatch before anything is stored, and so does a forged
 * trailer: with {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER} the trailing headers' own signature, chained from
 * the final chunk's, is verified); the trailing
 * checksum named by {@code x-amz-trailer} is computed over the decoded data and verified at the end, failing the
 * upload with BadDigest before anything is stored. Data is read straight into the caller's buffer.
 */
final class AwsChunkedInputStream extends InputStream {
    private static final int MAX_LINE = 8192;
    private static final String TRAILER_SIGNATURE = "x-amz-trailer-signature";

    private final InputStream in;
    private final ChecksumAlgorithm trailerAlgorithm;
    private final ChecksumAlgorithm.Running trailerChecksum;
    private final String resource;
    private final Map<String, String> trailers = new HashMap<>();
    /** The chunk signatures to verify (a body signed chunk by chunk), or null. */
    private final dev.conveyor.server.auth.ChunkSignatures signatures;
    private final java.security.MessageDigest chunkDigest;
    private String chunkSignature;
    private long chunkRemaining;
    private boolean started;
    private boolean done;

    AwsChunkedInputStream(InputStream in, ChecksumAlgorithm trailerAlgorithm, String resource) {
        this(in, trailerAlgorithm, resource, null);
    }

    /** @param signatures the chunk signatures to verify, each chunk's before the next is read; null: not signed per chunk */
    AwsChunkedInputStream(InputStream in, ChecksumAlgorithm trailerAlgorithm, String resource,
                          dev.conveyor.server.auth.ChunkSignatures signatures) {
        this.signatures = signatures;
        try {
            this.chunkDigest = signatures == null ? null : java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        this.in = in;
        this.trailerAlgorithm = trailerAlgorithm;
        this.trailerChecksum = trailerAlgorithm == null ? null : trailerAlgorithm.start();
        this.resource = resource;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (chunkRemaining == 0) {
            if (done) {
                return -1;
            }
            nextChunk();
        }
        int n = in.read(b, off, (int) Math.min(len, chunkRemaining));
        if (n < 0) {
            throw new S3ProtocolException(new S3Exception(S3ErrorCode.IncompleteBody,
                    "The request body ended in the middle of an aws-chunked chunk", resource));
        }
        chunkRemaining -= n;
        if (chunkDigest != null) {
            chunkDigest.update(b, off, n);
        }
        if (trailerChecksum != null) {
            trailerChecksum.update(b, off, n);
        }
        return n;
    }

    private void nextChunk() throws IOException {
        if (started) {
            String end = readLine();
            if (end == null || !end.isEmpty()) {
                throw malformed("a chunk's data is not followed by CRLF");
            }
        }
        started = true;
        String header = readLine();
        if (header == null) {
            throw new S3ProtocolException(new S3Exception(S3ErrorCode.IncompleteBody, "The aws-chunked body ended before its last chunk", resource));
        }
        if (signatures != null && started && chunkSignature != null) {
            verifyChunk(); // the chunk just read, now that its data is complete
        }
        int semicolon = header.indexOf(';');
        String hex = (semicolon < 0 ? header : header.substring(0, semicolon)).trim();
        chunkSignature = null;
        if (semicolon >= 0) {
            for (String extension : header.substring(semicolon + 1).split(";")) {
                if (extension.trim().startsWith("chunk-signature=")) {
                    chunkSignature = extension.trim().substring("chunk-signature=".length());
                }
            }
        }
        if (signatures != null && chunkSignature == null) {
            throw new S3ProtocolException(new S3Exception(S3ErrorCode.SignatureDoesNotMatch, "A chunk of a signed aws-chunked body "
                    + "has no chunk-signature", resource));
        }
        long size;
        try {
            size = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
            throw malformed("bad chunk size '" + hex + "'");
        }
        if (size < 0) {
            throw malformed("negative chunk size");
        }
        if (size == 0) {
            if (signatures != null) {
                verifyChunk(); // the final, empty chunk is signed too
            }
            readTrailers();
            done = true;
            return;
        }
        chunkRemaining = size;
    }

    private void verifyChunk() throws IOException {
        if (!signatures.verifyNext(chunkSignature, chunkDigest.digest())) {
            throw new S3ProtocolException(new S3Exception(S3ErrorCode.SignatureDoesNotMatch, "The request signature we calculated does "
                    + "not match the signature you provided (aws-chunked chunk signature). Check your key and signing method.", resource));
        }
        chunkSignature = null;
    }

    private void readTrailers() throws IOException {
        String line;
        while ((line = readLine()) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                trailers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            } else if (signatures != null) {
                throw malformed("a trailer line is not name:value");
            }
        }
        if (signatures != null && signatures.signedTrailer()) {
            // The trailing headers are signed (AWS4-HMAC-SHA256-TRAILER): checked before the checksum they carry is trusted.
            StringBuilder canonical = new StringBuilder();
            new java.util.TreeMap<>(trailers).forEach((name, value) -> {
                if (!TRAILER_SIGNATURE.equals(name)) {
                    canonical.append(name).append(':').append(value).append('\n');
                }
            });
            if (!signatures.verifyTrailer(trailers.get(TRAILER_SIGNATURE), canonical.toString())) {
                throw new S3ProtocolException(new S3Exception(S3ErrorCode.SignatureDoesNotMatch, "The request signature we calculated does "
                        + "not match the signature you provided (aws-chunked trailer signature). Check your key and signing method.", resource));
            }
        } else if (signatures != null && trailers.containsKey(TRAILER_SIGNATURE)) {
            throw malformed("a trailer signature on a body whose x-amz-content-sha256 announces no signed trailer");
        }
        if (trailerAlgorithm != null) {
            String expected = trailers.get(trailerAlgorithm.header());
            if (expected == null) {
                throw malformed("the trailer " + trailerAlgorithm.header() + " announced by x-amz-trailer is missing");
            }
            String actual = trailerChecksum.value();
            if (!actual.equals(expected)) {
                throw new S3ProtocolException(new S3Exception(S3ErrorCode.BadDigest, "The " + trailerAlgorithm.name()
                        + " you specified did not match the calculated checksum (" + expected + " != " + actual + ")", resource));
            }
        }
    }

    /** The trailers read after the last chunk (lower-case names). */
    Map<String, String> trailers() {
        return trailers;
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.US_ASCII);
            }
            line.write(c);
            if (line.size() > MAX_LINE) {
                throw malformed("a chunk header is too long");
            }
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
    }

    private S3ProtocolException malformed(String why) {
        return new S3ProtocolException(new S3Exception(S3ErrorCode.InvalidRequest, "Malformed aws-chunked body: " + why, resource));
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
