package dev.conveyor.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The hand-written readers of a SigV4 Authorization header, credential scope and X-Amz-Date (issue 20 replaced
 * splits, regexes and a DateTimeFormatter with them): they accept and refuse what the split-based readers did, except
 * impossible dates such as 20250229, which the formatter's smart resolver moved to the last day of the month.
 */
class SigV4ParsingTest {
    private static final String HEADER = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/codepipeline/aws4_request, "
            + "SignedHeaders=content-type;host;x-amz-date;x-amz-target,  Signature=0123abcd ";

    @Test
    void readsEachParameterOfTheHeaderTrimmed() {
        assertThat(SigV4Credential.parameter(HEADER, "Credential=")).isEqualTo("AKIDEXAMPLE/20260101/us-east-1/codepipeline/aws4_request");
        assertThat(SigV4Credential.parameter(HEADER, "SignedHeaders=")).isEqualTo("content-type;host;x-amz-date;x-amz-target");
        assertThat(SigV4Credential.parameter(HEADER, "Signature=")).isEqualTo("0123abcd");
        assertThat(SigV4Credential.parameter(HEADER, "Missing=")).isNull();
        assertThat(SigV4Credential.parameter("AWS4-HMAC-SHA256", "Credential=")).isNull();
        assertThat(SigV4Credential.parameter("AWS4-HMAC-SHA256 Credential=", "Credential=")).isEmpty();
    }

    @Test
    void readsTheCredentialScope() {
        SigV4Credential credential = SigV4Credential.fromAuthorization(HEADER).orElseThrow();
        assertThat(credential).isEqualTo(new SigV4Credential("AKIDEXAMPLE", "20260101", "us-east-1", "codepipeline"));
        assertThat(SigV4Credential.fromAuthorization("AWS abc:def")).isEmpty();
        assertThat(SigV4Credential.fromAuthorization(null)).isEmpty();
        assertThatThrownBy(() -> SigV4Credential.fromAuthorization("AWS4-HMAC-SHA256 Signature=abc"))
                .isInstanceOf(IncompleteSignatureException.class);
        for (String bad : new String[] {"AKID/20260101/us-east-1/codepipeline", "/20260101/us-east-1/codepipeline/aws4_request",
                "AKID/20260101/us-east-1/codepipeline/aws4_requests", "AKID/20260101/us-east-1/code/pipeline/aws4_request", "AKID"}) {
            assertThatThrownBy(() -> SigV4Credential.fromScope(bad)).as(bad).isInstanceOf(IncompleteSignatureException.class);
        }
    }

    @Test
    void readsXAmzDateRefusingImpossibleDates() {
        assertThat(SigV4Verifier.parseAmzDate("20261207T021530Z")).isEqualTo(Instant.parse("2026-12-07T02:15:30Z"));
        assertThat(SigV4Verifier.parseAmzDate(SigV4Verifier.amzDate(Instant.parse("2024-02-29T23:59:59Z"))))
                .isEqualTo(Instant.parse("2024-02-29T23:59:59Z"));
        for (String bad : new String[] {"20261207T021530", "2026-12-07T02:15:30Z", "20261307T021530Z", "20261207T246030Z",
                "20250229T000000Z", "2026120aT021530Z", "", "20261207X021530Z"}) {
            assertThat(SigV4Verifier.parseAmzDate(bad)).as(bad).isNull();
        }
        assertThat(SigV4Verifier.parseAmzDate(null)).isNull();
    }

    @Test
    void canonicalHeaderValuesAreTrimmedWithInnerSpacesCollapsed() {
        StringBuilder out = new StringBuilder();
        SigV4Verifier.appendTrimmedCollapsed(out, "  a   b c  ");
        out.append('|');
        SigV4Verifier.appendTrimmedCollapsed(out, "plain");
        out.append('|');
        SigV4Verifier.appendTrimmedCollapsed(out, "   ");
        assertThat(out).hasToString("a b c|plain|");
        assertThat(SigV4Verifier.encodeSegments("/")).isEqualTo("/");
        assertThat(SigV4Verifier.encodeSegments("/a b/%2F")).isEqualTo("/a%20b/%252F");
    }

    @Test
    void theCanonicalRequestIsHashedAsItsUtf8Bytes() throws Exception {
        // Written straight into the digest (issue 20): the same bytes as String.getBytes(UTF_8), past the buffer's 256
        // bytes, for 2-, 3- and 4-byte characters, and with an unpaired surrogate written as '?' as String's encoder does.
        String[] texts = {"", "POST\n/\n\nhost:127.0.0.1\n", "x".repeat(700), "é".repeat(300) + "€" + "𝄞".repeat(90),
            "a\uD834b", "end\uD834", "\uDD1Elow first", "名前:値\n" + "y".repeat(255)};
        for (String text : texts) {
            CanonicalText.Sha256 hashed = CanonicalText.sha256();
            hashed.append(text.substring(0, text.length() / 2));
            for (char ch : text.substring(text.length() / 2).toCharArray()) {
                hashed.append(ch);
            }
            byte[] expected = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(hashed.digest()).as(text).isEqualTo(expected);
        }
    }
}
