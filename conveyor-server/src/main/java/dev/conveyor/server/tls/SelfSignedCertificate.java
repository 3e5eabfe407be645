package dev.conveyor.server.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificate {@code --tls} serves, made once on first start and kept under {@code <data-dir>/tls}: a private
 * certificate authority ({@code ca.pem}, the bundle clients trust with {@code aws --ca-bundle} or
 * {@code AWS_CA_BUNDLE}) and a server certificate it signed ({@code server.pem} with its key {@code server-key.pem},
 * readable by the owner only) for localhost, 127.0.0.1, ::1, this host's name and the bind address. The authority's
 * own key is thrown away once it has signed: nothing else can ever be issued under it. A CA and a separate server
 * certificate, rather than one self-signed certificate, because strict verifiers (OpenSSL's X509_STRICT, Python 3.13's
 * default) refuse a certificate authority acting as a server.
 */
public final class SelfSignedCertificate {
    public static final String DIRECTORY = "tls";
    public static final String CA_BUNDLE = "ca.pem";
    public static final String CERTIFICATE = "server.pem";
    public static final String KEY = "server-key.pem";
    private static final Duration VALIDITY = Duration.ofDays(3650);

    /** Where the files are and the server certificate's SHA-256 fingerprint ({@code AB:CD:…}). */
    public record Files(Path caBundle, Path certificate, Path key, String fingerprint, boolean created) {
    }

    private SelfSignedCertificate() {
    }

    /** The certificate under {@code dataDir/tls}, made now if it is not there yet. */
    public static Files ensure(Path dataDir, String bindHost, Clock clock) {
        Path dir = dataDir.resolve(DIRECTORY);
        Path ca = dir.resolve(CA_BUNDLE);
        Path certificate = dir.resolve(CERTIFICATE);
        Path key = dir.resolve(KEY);
        boolean created = false;
        if (!java.nio.file.Files.exists(certificate) || !java.nio.file.Files.exists(key) || !java.nio.file.Files.exists(ca)) {
            create(dir, bindHost, clock);
            created = true;
        }
        return new Files(ca, certificate, key, fingerprint(PemKeyStores.certificates(certificate).get(0)), created);
    }

    /** The SHA-256 fingerprint as {@code openssl x509 -fingerprint -sha256} prints it. */
    public static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void create(Path dir, String bindHost, Clock clock) {
        try {
            java.nio.file.Files.createDirectories(dir);
            KeyPair caKeys = newKeyPair();
            KeyPair serverKeys = newKeyPair();
            Instant now = clock.instant();
            Date from = Date.from(now.minus(Duration.ofHours(1))); // a client clock slightly behind still accepts it
            Date until = Date.from(now.plus(VALIDITY));
            String host = hostName();
            X500Name caName = new X500Name("CN=Conveyor local CA (" + host + ")");
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();

            X509v3CertificateBuilder caBuilder = new JcaX509v3CertificateBuilder(caName, serial(), from, until, caName, caKeys.getPublic());
            caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            caBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            caBuilder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(caKeys.getPublic()));
            X509Certificate caCertificate = sign(caBuilder, caKeys);

            X509v3CertificateBuilder serverBuilder = new JcaX509v3CertificateBuilder(caCertificate, serial(), from, until,
                    new X500Name("CN=" + host), serverKeys.getPublic());
            serverBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            serverBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            serverBuilder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            serverBuilder.addExtension(Extension.subjectAlternativeName, false, subjectAlternativeNames(bindHost, host));
            serverBuilder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(serverKeys.getPublic()));
            serverBuilder.addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(caCertificate));
            X509Certificate serverCertificate = sign(serverBuilder, caKeys);

            // The key first, owner-only from its creation; the files appear whole (moved into place) or not at all.
            Path keyTemp = java.nio.file.Files.createTempFile(dir, "server-key", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            java.nio.file.Files.writeString(keyTemp, pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(serverKeys.getPrivate(), null)));
            writeAtomically(dir.resolve(CA_BUNDLE), pem(caCertificate));
            writeAtomically(dir.resolve(CERTIFICATE), pem(serverCertificate) + pem(caCertificate));
            java.nio.file.Files.move(keyTemp, dir.resolve(KEY), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the TLS certificate under " + dir, e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make a TLS certificate", e);
        }
    }

    private static GeneralNames subjectAlternativeNames(String bindHost, String host) {
        Set<String> dnsNames = new LinkedHashSet<>(List.of("localhost"));
        Set<String> addresses = new LinkedHashSet<>(List.of("127.0.0.1", "::1"));
        for (String name : new String[] {bindHost, host}) {
            if (name == null || name.isBlank() || name.equals("0.0.0.0") || name.equals("::")) {
                continue;
            }
            if (name.matches("[0-9.]+") || name.contains(":")) {
                addresses.add(name);
            } else {
                dnsNames.add(name.toLowerCase(Locale.ROOT));
            }
        }
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
        addresses.forEach(a -> names.add(new GeneralName(GeneralName.iPAddress, a)));
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner contentSigner = new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
    }

    private static BigInteger serial() {
        return new BigInteger(127, new SecureRandom()).add(BigInteger.ONE);
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }

    private static void writeAtomically(Path target, String content) throws IOException {
        Path temp = java.nio.file.Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        java.nio.file.Files.writeString(temp, content);
        java.nio.file.Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }
}
