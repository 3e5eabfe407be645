package dev.conveyor.artifacts.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A stream read ahead on a thread of its own gives the reader exactly the source's bytes, read or transferred, hands
 * on the source's failure where it happened, and stops its thread and closes the source when closed early.
 */
class ReadAheadInputStreamTest {
    private static byte[] random(int size) {
        byte[] content = new byte[size];
        new Random(size).nextBytes(content);
        return content;
    }

    @Test
    void theReaderGetsTheSourcesBytesReadOrTransferred() throws IOException {
        for (int size : new int[] {0, 1, 999, 1000, 1001, 12_345}) {
            byte[] content = random(size);
            try (InputStream in = new ReadAheadInputStream(new ByteArrayInputStream(content), 1000)) {
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                byte[] buffer = new byte[333];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    got.write(buffer, 0, n);
                }
                assertThat(got.toByteArray()).as("%d bytes read", size).isEqualTo(content);
            }
            try (InputStream in = new ReadAheadInputStream(new ByteArrayInputStream(content), 1000)) {
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                assertThat(in.transferTo(got)).isEqualTo(size);
                assertThat(got.toByteArray()).as("%d bytes transferred", size).isEqualTo(content);
            }
        }
    }

    @Test
    void aFailureOfTheSourceReachesTheReaderAfterTheBytesBeforeIt() throws IOException {
        byte[] content = random(5000);
        InputStream failing = new InputStream() {
            private int at;

            @Override
            public int read() throws IOException {
                if (at == 3000) {
                    throw new IOException("chunk 3 failed authentication");
                }
                return content[at++] & 0xff;
            }
        };
        try (InputStream in = new ReadAheadInputStream(failing, 1000)) {
            assertThat(in.readNBytes(3000)).isEqualTo(java.util.Arrays.copyOf(content, 3000));
            assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessage("chunk 3 failed authentication");
            assertThatThrownBy(in::read).as("and on every later read").hasMessage("chunk 3 failed authentication");
        }
    }

    @Test
    void closingEarlyStopsTheThreadAndClosesTheSource() throws IOException {
        AtomicBoolean closed = new AtomicBoolean();
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 7;
            }

            @Override
            public void close() {
                closed.set(true);
            }
        };
        long before = readAheadThreads();
        InputStream in = new ReadAheadInputStream(endless, 1000);
        assertThat(in.read()).isEqualTo(7);
        assertThat(readAheadThreads()).isEqualTo(before + 1);
        in.close();
        assertThat(closed).isTrue();
        assertThat(readAheadThreads()).as("read-ahead threads running").isEqualTo(before);
    }

    private static long readAheadThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("read-ahead") && t.isAlive()).count();
    }
}
