package dev.conveyor.server.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.artifacts.object.S3ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** A request body checked against its declared digest: what is skipped is digested as what is read. */
class VerifiedBodyInputStreamTest {
    private static final byte[] BODY = "a body that is partly skipped, partly read".getBytes(StandardCharsets.UTF_8);

    @Test
    void aBodySkippedToItsEndStillMatchesItsDeclaredSha256() throws Exception {
        try (InputStream in = VerifiedBodyInputStream.sha256(new ByteArrayInputStream(BODY), sha256(BODY), "/b/k")) {
            assertThat(in.skip(7)).isEqualTo(7);
            assertThat(in.readNBytes(5)).isEqualTo("that ".getBytes(StandardCharsets.UTF_8));
            assertThat(in.skip(1000)).isEqualTo(BODY.length - 12);
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void aChangedBodyIsRefusedAtItsEndEvenWhenSkipped() throws Exception {
        byte[] changed = BODY.clone();
        changed[3] ^= 1;
        try (InputStream in = VerifiedBodyInputStream.sha256(new ByteArrayInputStream(changed), sha256(BODY), "/b/k")) {
            assertThatThrownBy(() -> in.skip(changed.length + 1)).isInstanceOfSatisfying(S3ProtocolException.class,
                    e -> assertThat(e.error().code()).isEqualTo(S3ErrorCode.XAmzContentSHA256Mismatch));
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
