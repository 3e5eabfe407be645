package dev.conveyor.events.sns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MessageSignerTest {
    private static final Map<String, String> NOTIFICATION = Map.of("Type", "Notification", "Message", "hello",
            "MessageId", "m-1", "Timestamp", "2026-12-07T00:00:00Z", "TopicArn", "arn:aws:sns:us-east-1:123456789012:t");

    @TempDir
    Path dir;

    @Test
    void theKeyIsMadeOnFirstUseNotOnOpenAndSignaturesVerifyWithTheServedCertificate() throws Exception {
        MessageSigner signer = MessageSigner.open(dir);
        assertThat(dir).isEmptyDirectory(); // opening a new data directory makes no key (a start does not pay for it)

        String signature = signer.sign(NOTIFICATION, "2");

        assertThat(dir.resolve("sns-signing-key.der")).exists();
        assertThat(verifies(signer.certificatePem(), "SHA256withRSA", signature)).isTrue();
        assertThat(verifies(signer.certificatePem(), "SHA1withRSA", signer.sign(NOTIFICATION, "1"))).isTrue();
    }

    @Test
    void aReopenedSignerUsesTheKeyMadeBefore() throws Exception {
        String certificate = MessageSigner.open(dir).certificatePem();
        byte[] key = Files.readAllBytes(dir.resolve("sns-signing-key.der"));

        MessageSigner reopened = MessageSigner.open(dir);

        assertThat(reopened.certificatePem()).isEqualTo(certificate);
        assertThat(Files.readAllBytes(dir.resolve("sns-signing-key.der"))).isEqualTo(key);
        assertThat(verifies(certificate, "SHA256withRSA", reopened.sign(NOTIFICATION, "2"))).isTrue();
    }

    private static boolean verifies(String certificatePem, String algorithm, String signature) throws Exception {
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(certificatePem.getBytes(StandardCharsets.US_ASCII)));
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(MessageSigner.stringToSign(NOTIFICATION).getBytes(StandardCharsets.UTF_8));
        return verifier.verify(Base64.getDecoder().decode(signature));
    }
}
