package dev.conveyor.server.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The checksums and the aws-chunked decoding S3 uploads use. */
class ChecksumAlgorithmTest {
    @Test
    void crc64NvmeMatchesTheStandardCheckValue() {
        ChecksumAlgorithm.Crc64Nvme crc = new ChecksumAlgorithm.Crc64Nvme();
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        crc.update(check, 0, check.length);
        assertThat(crc.getValue()).isEqualTo(0xAE8B14860A799888L);
        // Slicing by eight gives what byte-at-a-time gives, at every alignment.
        byte[] data = new byte[1000];
        new Random(5).nextBytes(data);
        ChecksumAlgorithm.Crc64Nvme whole = new ChecksumAlgorithm.Crc64Nvme();
        whole.update(data, 0, data.length);
        ChecksumAlgorithm.Crc64Nvme bytewise = new ChecksumAlgorithm.Crc64Nvme();
        for (byte b : data) {
            bytewise.update(b);
        }
        ChecksumAlgorithm.Crc64Nvme split = new ChecksumAlgorithm.Crc64Nvme();
        split.update(data, 0, 3);
        split.update(data, 3, 997);
        assertThat(whole.getValue()).isEqualTo(bytewise.getValue()).isEqualTo(split.getValue());
    }

    @Test
    void decodesSignedAndTrailerChunksAndVerifiesTheTrailer() throws IOException {
        byte[] payload = "hello, chunked world".getBytes(StandardCharsets.UTF_8);
        ChecksumAlgorithm.Running crc = ChecksumAlgorithm.CRC64NVME.start();
        crc.update(payload, 0, payload.length);
        String body = "5;chunk-signature=aa\r\nhello\r\nf;chunk-signature=bb\r\n, chunked world\r\n0;chunk-signature=cc\r\n"
                + "x-amz-checksum-crc64nvme:" + crc.value() + "\r\nx-amz-trailer-signature:dd\r\n\r\n";
        try (var in = new AwsChunkedInputStream(new ByteArrayInputStream(body.getBytes(StandardCharsets.US_ASCII)),
                ChecksumAlgorithm.CRC64NVME, "/b/k")) {
            assertThat(in.readAllBytes()).isEqualTo(payload);
        }
        String tampered = body.replace(crc.value(), "AAAAAAAAAAA=");
        assertThatThrownBy(() -> {
            try (var in = new AwsChunkedInputStream(new ByteArrayInputStream(tampered.getBytes(StandardCharsets.US_ASCII)),
                    ChecksumAlgorithm.CRC64NVME, "/b/k")) {
                in.readAllBytes();
            }
        }).isInstanceOf(S3ProtocolException.class).hasMessageContaining("CRC64NVME");
        String truncated = "5\r\nhel";
        assertThatThrownBy(() -> new AwsChunkedInputStream(new ByteArrayInputStream(truncated.getBytes(StandardCharsets.US_ASCII)),
                null, "/b/k").readAllBytes()).isInstanceOf(S3ProtocolException.class);
    }
}
