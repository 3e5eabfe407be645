package dev.conveyor.server.auth;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;

/**
 * Verifies AWS Signature Version 4 on a request, as AWS services do: rebuilds the canonical request from what was
 * received (method, path as sent, sorted query, the signed headers, the payload hash the client declared), signs
 * it with the secret key, and compares in constant time. Handles the Authorization header and presigned URLs.
 *
 * <p>The payload hash is taken from {@code x-amz-content-sha256} (S3 always sends it; streaming and unsigned
 * payloads are named there), or is {@code UNSIGNED-PAYLOAD} for presigned URLs. Requests of services that sign
 * the body without that header must pass the body's hash.
 */
public final class SigV4Verifier {
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    /** How far a request's signing time may be from the server's clock, as AWS allows. */
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);

    /** The outcome: accepted, or refused with the S3/AWS error code and message to answer with. */
    public record Result(boolean valid, String errorCode, String message) {
        static final Result OK = new Result(true, null, null);

        static Result refused(String code, String message) {
            return new Result(false, code, message);
        }
    }

    /** The signature parts of a request. */
    record Signed(String accessKeyId, String scope, String date, String region, String service, List<String> signedHeaders,
                  String signature, String amzDate, boolean presigned) {
    }

    private SigV4Verifier() {
    }

    public static Result verify(HttpServletRequest request, String secretAccessKey, String payloadHashIfNoHeader, Instant now) {
        try {
            return verifyWellFormed(request, secretAccessKey, payloadHashIfNoHeader, now);
        } catch (IllegalArgumentException e) { // a malformed escape in the query, an X-Amz-Expires that is no number…
            return Result.refused("AuthorizationHeaderMalformed", "The request's signature is malformed");
        }
    }

    /**
     * The chunk signatures of a request whose seed signature {@link #verify verified} with {@code secretAccessKey}, for a
     * body signed chunk by chunk; null when the request is not one (or is not a well-formed SigV4 header signature).
     */
    public static ChunkSignatures chunkSignatures(HttpServletRequest request, String secretAccessKey) {
        String declared = request.getHeader("x-amz-content-sha256");
        if (declared == null || !declared.startsWith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD")) {
            return null;
        }
        Signed signed;
        try {
            signed = parse(request);
        } catch (RuntimeException e) {
            return null;
        }
        if (signed.presigned()) {
            return null;
        }
        byte[] key = signingKey(secretAccessKey, signed.date(), signed.region(), signed.service());
        return new ChunkSignatures(key, signed.amzDate(), signed.scope(), signed.signature(),
                "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER".equals(declared));
    }

    /** A timestamp as X-Amz-Date writes it. */
    public static String amzDate(Instant instant) {
        return AMZ_DATE.format(instant);
    }

    private static Result verifyWellFormed(HttpServletRequest request, String secretAccessKey, String payloadHashIfNoHeader, Instant now) {
        Signed signed;
        try {
            signed = parse(request);
        } catch (IllegalArgumentException e) {
            return Result.refused("AuthorizationHeaderMalformed", e.getMessage());
        }
        Instant signedAt = parseAmzDate(signed.amzDate());
        if (signedAt == null) {
            return Result.refused("AccessDenied", "X-Amz-Date is not a valid ISO 8601 basic timestamp");
        }
        if (signed.presigned()) {
            long expires = Long.parseLong(request.getParameter("X-Amz-Expires") == null ? "900" : request.getParameter("X-Amz-Expires"));
            if (expires < 1 || expires > 604_800) {
                return Result.refused("AuthorizationQueryParametersError", "X-Amz-Expires must be between 1 and 604800 seconds");
            }
            if (signedAt.isAfter(now.plus(MAX_SKEW))) {
                return Result.refused("RequestTimeTooSkewed", "The difference between the request time and the server's time is too large.");
            }
            if (now.isAfter(signedAt.plusSeconds(expires))) {
                return Result.refused("AccessDenied", "Request has expired");
            }
        } else if (Duration.between(signedAt, now).abs().compareTo(MAX_SKEW) > 0) {
            return Result.refused("RequestTimeTooSkewed", "The difference between the request time and the server's time is too large.");
        }
        String payloadHash = request.getHeader("x-amz-content-sha256");
        if (payloadHash == null) {
            payloadHash = signed.presigned() ? "UNSIGNED-PAYLOAD" : payloadHashIfNoHeader;
        }
        CanonicalText.Sha256 canonical = CanonicalText.sha256();
        canonicalRequestText(canonical, request, signed, payloadHash);
        byte[] expected = signingMac(secretAccessKey, signed.date(), signed.region(), signed.service())
                .doFinal(stringToSign(signed, canonical.digest()));
        // Compared as bytes: the signature given is decoded rather than the expected one formatted as hex.
        if (!MessageDigest.isEqual(expected, unhex(signed.signature()))) {
            return Result.refused("SignatureDoesNotMatch",
                    "The request signature we calculated does not match the signature you provided. Check your key and signing method.");
        }
        return Result.OK;
    }

    static Signed parse(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.startsWith("AWS4-HMAC-SHA256")) {
            String credential = SigV4Credential.parameter(authorization, "Credential=");
            String signedHeaders = SigV4Credential.parameter(authorization, "SignedHeaders=");
            String signature = SigV4Credential.parameter(authorization, "Signature=");
            if (credential == null || signedHeaders == null || signature == null) {
                throw new IllegalArgumentException("The Authorization header needs Credential, SignedHeaders and Signature");
            }
            String amzDate = request.getHeader("x-amz-date");
            return signed(credential, signedHeaders, signature, amzDate == null ? "" : amzDate, false);
        }
        String credential = request.getParameter("X-Amz-Credential");
        if (credential != null) {
            return signed(credential, request.getParameter("X-Amz-SignedHeaders"), request.getParameter("X-Amz-Signature"),
                    request.getParameter("X-Amz-Date"), true);
        }
        throw new IllegalArgumentException("The request is not signed with AWS Signature Version 4");
    }

    private static Signed signed(String credential, String signedHeaders, String signature, String amzDate, boolean presigned) {
        if (signedHeaders == null || signature == null || amzDate == null) {
            throw new IllegalArgumentException("The presigned URL needs X-Amz-SignedHeaders, X-Amz-Signature and X-Amz-Date");
        }
        SigV4Credential scope = SigV4Credential.fromScope(credential);
        String scopeString = credential.substring(scope.accessKeyId().length() + 1); // date/region/service/aws4_request
        List<String> headers = new ArrayList<>(8);
        int from = 0;
        while (from <= signedHeaders.length()) {
            int semicolon = signedHeaders.indexOf(';', from);
            int end = semicolon < 0 ? signedHeaders.length() : semicolon;
            if (end > from || semicolon >= 0) {
                headers.add(signedHeaders.substring(from, end).toLowerCase(Locale.ROOT));
            }
            from = end + 1;
        }
        return new Signed(scope.accessKeyId(), scopeString, scope.date(), scope.region(), scope.service(), headers, signature,
                amzDate, presigned);
    }

    /**
     * The string to sign as UTF-8 bytes, written in one array: "AWS4-HMAC-SHA256", the signing time, the scope and
     * the canonical request's hash in lowercase hex, each on its line. The time and scope are ASCII once parsed
     * ({@link SigV4Credential}); anything else is encoded as UTF-8 the way it was before.
     */
    private static byte[] stringToSign(Signed signed, byte[] canonicalHash) {
        String amzDate = signed.amzDate();
        String scope = signed.scope();
        if (!ascii(amzDate) || !ascii(scope)) {
            return ("AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex(canonicalHash)).getBytes(StandardCharsets.UTF_8);
        }
        byte[] out = new byte[ALGORITHM_LINE.length + amzDate.length() + 1 + scope.length() + 1 + 2 * canonicalHash.length];
        System.arraycopy(ALGORITHM_LINE, 0, out, 0, ALGORITHM_LINE.length);
        int at = putAscii(out, ALGORITHM_LINE.length, amzDate);
        out[at++] = '\n';
        at = putAscii(out, at, scope);
        out[at++] = '\n';
        for (byte b : canonicalHash) {
            out[at++] = HEX_DIGITS[(b >> 4) & 0xF];
            out[at++] = HEX_DIGITS[b & 0xF];
        }
        return out;
    }

    private static final byte[] ALGORITHM_LINE = "AWS4-HMAC-SHA256\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private static boolean ascii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static int putAscii(byte[] out, int at, String text) {
        for (int i = 0; i < text.length(); i++) {
            out[at++] = (byte) text.charAt(i);
        }
        return at;
    }

    /**
     * The canonical request, written into {@code c}: straight into the digest that signs it when verifying, so that
     * no text of the whole request is built (issue 20: it and its UTF-8 copy were a signed read's largest allocation).
     */
    private static void canonicalRequestText(CanonicalText c, HttpServletRequest request, Signed signed, String payloadHash) {
        c.append(request.getMethod()).append('\n');
        String path = request.getRequestURI();
        path = path == null || path.isEmpty() ? "/" : path;
        // S3 signs the path as sent; every other service (and the SDKs for them) signs it URI-encoded once more.
        c.append("s3".equals(signed.service()) ? path : encodeSegments(path)).append('\n');
        c.append(canonicalQuery(request.getQueryString(), signed.presigned())).append('\n');
        List<String> names = signed.signedHeaders();
        for (String name : names) {
            c.append(name).append(':');
            Enumeration<String> values = request.getHeaders(name);
            boolean first = true;
            while (values != null && values.hasMoreElements()) {
                if (!first) {
                    c.append(',');
                }
                appendTrimmedCollapsed(c, values.nextElement());
                first = false;
            }
            c.append('\n');
        }
        c.append('\n');
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                c.append(';');
            }
            c.append(names.get(i));
        }
        c.append('\n').append(payloadHash);
    }

    /**
     * A header value as SigV4 canonicalizes it: trimmed (as {@link String#trim}), each run of spaces inside as one
     * space. Appended in place: a regex per header per request was the largest allocation of a signed read (issue 20).
     */
    static void appendTrimmedCollapsed(StringBuilder out, String value) {
        appendTrimmedCollapsed(CanonicalText.chars(out), value);
    }

    private static void appendTrimmedCollapsed(CanonicalText out, String value) {
        int start = 0;
        int end = value.length();
        while (start < end && value.charAt(start) <= ' ') {
            start++;
        }
        while (end > start && value.charAt(end - 1) <= ' ') {
            end--;
        }
        boolean space = false;
        for (int i = start; i < end; i++) {
            char ch = value.charAt(i);
            if (ch == ' ') {
                if (!space) {
                    out.append(' ');
                }
                space = true;
            } else {
                out.append(ch);
                space = false;
            }
        }
    }

    /** Each segment of a raw path encoded again, '/' kept: the canonical path of services other than S3. */
    static String encodeSegments(String rawPath) {
        if (unreservedOrSlash(rawPath)) {
            return rawPath; // nothing to encode (every JSON API's "/")
        }
        StringBuilder out = new StringBuilder();
        String[] segments = rawPath.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                out.append('/');
            }
            out.append(encode(segments[i]));
        }
        return out.toString();
    }

    static String canonicalQuery(String rawQuery, boolean presigned) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        Map<String, List<String>> sorted = new TreeMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = encode(decode(eq < 0 ? pair : pair.substring(0, eq)));
            String value = eq < 0 ? "" : encode(decode(pair.substring(eq + 1)));
            if (presigned && key.equals("X-Amz-Signature")) {
                continue;
            }
            sorted.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        StringBuilder q = new StringBuilder();
        sorted.forEach((k, values) -> values.stream().sorted().forEach(v -> {
            if (!q.isEmpty()) {
                q.append('&');
            }
            q.append(k).append('=').append(v);
        }));
        return q.toString();
    }

    /** RFC 3986 encoding of everything but the unreserved characters, as SigV4 requires. */
    static String encode(String s) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char ch = (char) (b & 0xff);
            if (unreserved(ch)) {
                out.append(ch);
            } else {
                out.append('%').append(UPPER_HEX.charAt((b >> 4) & 0xf)).append(UPPER_HEX.charAt(b & 0xf));
            }
        }
        return out.toString();
    }

    private static final String UPPER_HEX = "0123456789ABCDEF";

    private static boolean unreserved(char ch) {
        return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'
                || ch == '.' || ch == '~';
    }

    private static boolean unreservedOrSlash(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch != '/' && !unreserved(ch)) {
                return false;
            }
        }
        return true;
    }

    /**
     * X-Amz-Date ({@code yyyyMMdd'T'HHmmss'Z'}) as an instant; null when it is not one. Read by hand: the
     * DateTimeFormatter's parse allocated a map, a Parsed and its temporal objects on every signed request.
     */
    static Instant parseAmzDate(String text) {
        if (text == null || text.length() != 16 || text.charAt(8) != 'T' || text.charAt(15) != 'Z') {
            return null;
        }
        int year = digits(text, 0, 4), month = digits(text, 4, 6), day = digits(text, 6, 8);
        int hour = digits(text, 9, 11), minute = digits(text, 11, 13), second = digits(text, 13, 15);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
            return null;
        }
        try {
            return java.time.LocalDateTime.of(year, month, day, hour, minute, second).toInstant(ZoneOffset.UTC);
        } catch (java.time.DateTimeException e) {
            return null; // 20261340T…: no such date
        }
    }

    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char ch = text.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            value = value * 10 + (ch - '0');
        }
        return value;
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The UTF-8 bytes of {@code text}, in one copy when it is ASCII (as canonical requests nearly always are). */

    /**
     * The derived signing key of a secret for one day, region and service: four chained HMACs that every request of
     * that key repeats, so they are kept (as AWS's SDKs keep them on the signing side). Bounded; the secret itself is
     * part of the key, so a rotated or changed secret never meets an old entry.
     */
    private static byte[] signingKey(String secretAccessKey, String date, String region, String service) {
        return signing(secretAccessKey, date, region, service).key().clone();
    }

    /** A MAC keyed with the signing key of that scope, ready to sign: a copy of the kept one, so not re-keyed per request. */
    private static Mac signingMac(String secretAccessKey, String date, String region, String service) {
        return Digests.copy(signing(secretAccessKey, date, region, service).mac());
    }

    private static SigningKey signing(String secretAccessKey, String date, String region, String service) {
        return SIGNING_KEYS.get(new Scope(secretAccessKey, date, region, service), scope -> {
            byte[] key = hmac(("AWS4" + scope.secret()).getBytes(StandardCharsets.UTF_8), scope.date());
            key = hmac(key, scope.region());
            key = hmac(key, scope.service());
            key = hmac(key, "aws4_request");
            return new SigningKey(key, Digests.hmacSha256(key));
        });
    }

    /** A derived signing key and a MAC initialised with it (only ever copied, never used itself). */
    private record SigningKey(byte[] key, Mac mac) {
    }

    private record Scope(String secret, String date, String region, String service) {
        @Override
        public String toString() {
            return "Scope[" + date + "/" + region + "/" + service + "]"; // never the secret
        }
    }

    private static final com.github.benmanes.caffeine.cache.Cache<Scope, SigningKey> SIGNING_KEYS =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(4_096).build();

    private static byte[] hmac(byte[] key, String data) {
        return Digests.hmacSha256(key).doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    /** The signature's hex as bytes; an empty array (which matches no signature) when it is not lowercase hex of 32 bytes. */
    private static byte[] unhex(String signature) {
        if (signature.length() != 64) {
            return new byte[0];
        }
        byte[] out = new byte[32];
        for (int i = 0; i < 32; i++) {
            int high = Character.digit(signature.charAt(2 * i), 16);
            int low = Character.digit(signature.charAt(2 * i + 1), 16);
            if (high < 0 || low < 0 || Character.isUpperCase(signature.charAt(2 * i)) || Character.isUpperCase(signature.charAt(2 * i + 1))) {
                return new byte[0];
            }
            out[i] = (byte) (high << 4 | low);
        }
        return out;
    }


    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
