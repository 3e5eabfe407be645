package dev.conveyor.artifacts.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Digests on the side give exactly what the same digests computed in sequence give, on a thread or inline. */
class SideDigestsTest {
    private static final int BUFFER = 64 * 1024;

    @Test
    void offThreadDigestsMatchSequentialOnes() throws Exception {
        byte[] content = new byte[5 * BUFFER + 12_345];
        new Random(8).nextBytes(content);
        for (boolean offThread : new boolean[] {true, false}) {
            List<MessageDigest> digests = List.of(MessageDigest.getInstance("MD5"), MessageDigest.getInstance("SHA-256"));
            List<byte[]> sums;
            try (SideDigests side = offThread ? SideDigests.offThread(digests, BUFFER) : SideDigests.inline(digests, BUFFER)) {
                Random lengths = new Random(9);
                int at = 0;
                while (at < content.length) {
                    byte[] buffer = side.buffer();
                    // Uneven fills, as a request body gives them, and a buffer rewritten as soon as it comes back.
                    int n = Math.min(content.length - at, 1 + lengths.nextInt(BUFFER));
                    System.arraycopy(content, at, buffer, 0, n);
                    side.submit(buffer, n);
                    at += n;
                }
                sums = side.finish();
            }
            assertThat(sums.get(0)).as("MD5, off thread: %s", offThread).isEqualTo(MessageDigest.getInstance("MD5").digest(content));
            assertThat(sums.get(1)).as("SHA-256, off thread: %s", offThread)
                    .isEqualTo(MessageDigest.getInstance("SHA-256").digest(content));
        }
    }

    @Test
    void noContentAndNoDigestsAreFine() throws Exception {
        try (SideDigests side = SideDigests.offThread(List.of(MessageDigest.getInstance("MD5")), BUFFER)) {
            assertThat(side.finish().getFirst()).isEqualTo(MessageDigest.getInstance("MD5").digest(new byte[0]));
        }
        try (SideDigests side = SideDigests.offThread(List.of(), BUFFER)) {
            side.submit(side.buffer(), 10);
            assertThat(side.finish()).isEmpty();
        }
    }
}
