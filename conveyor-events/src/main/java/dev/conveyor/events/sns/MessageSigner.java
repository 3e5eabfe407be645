package dev.conveyor.events.sns;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Signs SNS messages as SNS does: the string to sign is the message's fields, each name then value on lines of
 * their own, in SNS's order ({@code Message, MessageId, Subject (if any), Timestamp, TopicArn, Type} for
 * notifications; {@code Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type} for confirmations),
 * signed with RSA and SHA1 (SignatureVersion 1) or SHA256 (2). The key and its self-signed certificate live in
 * {@code <data-dir>/events}, made when first needed; the certificate is served at {@link #CERT_PATH}.
 */
public final class MessageSigner {
    public static final String CERT_PATH = "/conveyor/v1/sns/SimpleNotificationService.pem";

    private final Path dir;
    private volatile Material material;

    /** The key and its certificate's PEM. */
    private record Material(PrivateKey key, String certificatePem) {
    }

    private MessageSigner(Path dir, Material material) {
        this.dir = dir;
        this.material = material;
    }

    /**
     * The signer whose key and certificate live in {@code dir}: read now when they exist; otherwise made on first use
     * (the first SNS delivery or certificate download), not here. Generating a 2048-bit RSA key took a fifth of a
     * first start's CPU (issue 20: an empty data directory started slower than one with 10,000 pipelines), and most
     * servers never sign an SNS message.
     */
    public static MessageSigner open(Path dir) {
        try {
            Files.createDirectories(dir);
            return new MessageSigner(dir, read(dir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the SNS signing key under " + dir, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the SNS signing key under " + dir, e);
        }
    }

    private static Material read(Path dir) throws IOException, GeneralSecurityException {
        Path keyFile = dir.resolve("sns-signing-key.der");
        Path certFile = dir.resolve("sns-signing-cert.pem");
        if (Files.exists(keyFile) && Files.exists(certFile)) {
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(keyFile)));
            return new Material(key, Files.readString(certFile));
        }
        return null;
    }

    private Material material() {
        Material m = material;
        if (m == null) {
            synchronized (this) {
                m = material;
                if (m == null) {
                    m = make(dir);
                    material = m;
                }
            }
        }
        return m;
    }

    private static Material make(Path dir) {
        Path keyFile = dir.resolve("sns-signing-key.der");
        Path certFile = dir.resolve("sns-signing-cert.pem");
        try {
            Files.createDirectories(dir);
            Material existing = read(dir);
            if (existing != null) {
                return existing;
            }
            KeyPair pair = KeyMaker.keyPair();
            String pem = KeyMaker.selfSignedCertificatePem(pair);
            Path tmpKey = dir.resolve("sns-signing-key.der.tmp");
            Files.deleteIfExists(tmpKey);
            try {
                Files.createFile(tmpKey, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(tmpKey); // not a POSIX file system
            }
            Files.write(tmpKey, pair.getPrivate().getEncoded());
            Files.move(tmpKey, keyFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(certFile, pem);
            return new Material(pair.getPrivate(), pem);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the SNS signing key under " + dir, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the SNS signing key", e);
        }
    }

    /**
     * The key pair and its certificate (BouncyCastle), in a class of its own: verifying {@link MessageSigner} then loads
     * none of BouncyCastle's classes, whose signed jars cost a start the check of their signatures (issue 20).
     */
    private static final class KeyMaker {
        static KeyPair keyPair() throws GeneralSecurityException {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        }

        static String selfSignedCertificatePem(KeyPair pair) throws IOException, GeneralSecurityException {
            X500Name name = new X500Name("CN=sns.conveyor.local");
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))), name, pair.getPublic());
            try {
                var cert = new JcaX509CertificateConverter().getCertificate(builder.build(
                        new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
                StringWriter pem = new StringWriter();
                try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
                    writer.writeObject(cert);
                }
                return pem.toString();
            } catch (org.bouncycastle.operator.OperatorCreationException e) {
                throw new GeneralSecurityException(e);
            }
        }
    }

    public String certificatePem() {
        return material().certificatePem();
    }

    /** The string SNS signs for a message with these fields (Type decides which fields count). */
    public static String stringToSign(Map<String, String> fields) {
        String type = fields.get("Type");
        String[] names = "Notification".equals(type)
                ? new String[] {"Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"}
                : new String[] {"Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"};
        StringBuilder s = new StringBuilder();
        for (String name : names) {
            String value = fields.get(name);
            if (value != null) {
                s.append(name).append('\n').append(value).append('\n');
            }
        }
        return s.toString();
    }

    /** The base64 signature of the message's fields. */
    public String sign(Map<String, String> fields, String signatureVersion) {
        try {
            Signature signature = Signature.getInstance("2".equals(signatureVersion) ? "SHA256withRSA" : "SHA1withRSA");
            signature.initSign(material().key());
            signature.update(stringToSign(fields).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
