package dev.conveyor.server.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A key store built in memory from PEM files as web servers take them: the certificate chain (server certificate
 * first, then intermediates) and its unencrypted private key ({@code BEGIN PRIVATE KEY}, PKCS#8, or
 * {@code BEGIN RSA/EC PRIVATE KEY}, PKCS#1/SEC1). Nothing is written to disk.
 */
public final class PemKeyStores {
    /** The password of the in-memory store and its key entry; it protects nothing, Jetty merely needs one. */
    public static final String PASSWORD = "conveyor";
    static final String ALIAS = "conveyor";

    private PemKeyStores() {
    }

    /**
     * @throws IllegalArgumentException a file that is missing or holds no certificate or no usable key, naming the
     *                                  file and the flag it came from
     */
    public static KeyStore load(Path certificateChain, Path privateKey) {
        List<X509Certificate> chain = certificates(certificateChain);
        PrivateKey key = privateKey(privateKey);
        if (!chain.get(0).getPublicKey().equals(publicKeyOf(key, chain.get(0)))) {
            throw new IllegalArgumentException("--tls-key " + privateKey + " is not the key of the first certificate in --tls-cert "
                    + certificateChain);
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, PASSWORD.toCharArray(), chain.toArray(X509Certificate[]::new));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a key store from " + certificateChain + " and " + privateKey, e);
        }
    }

    /** Every certificate in a PEM file, in order. */
    public static List<X509Certificate> certificates(Path file) {
        List<X509Certificate> out = new ArrayList<>();
        for (Object item : read(file, "--tls-cert")) {
            if (item instanceof X509CertificateHolder holder) {
                try {
                    out.add(new JcaX509CertificateConverter().getCertificate(holder));
                } catch (GeneralSecurityException e) {
                    throw new IllegalArgumentException("--tls-cert " + file + " holds a certificate that cannot be read: " + e.getMessage());
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--tls-cert " + file + " holds no PEM certificate (BEGIN CERTIFICATE)");
        }
        return out;
    }

    private static PrivateKey privateKey(Path file) {
        // BouncyCastle's provider reads every encoding (a SEC1 EC key keeps its curve inside the key, which the JDK's
        // KeyFactory refuses); the key is then handed to the JDK as PKCS#8, the form JSSE and PKCS12 stores expect.
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        for (Object item : read(file, "--tls-key")) {
            try {
                PrivateKeyInfo info = item instanceof PEMKeyPair pair ? pair.getPrivateKeyInfo()
                        : item instanceof PrivateKeyInfo plain ? plain : null;
                if (info != null) {
                    PrivateKey parsed = converter.getPrivateKey(info);
                    return java.security.KeyFactory.getInstance(parsed.getAlgorithm().equals("ECDSA") ? "EC" : parsed.getAlgorithm())
                            .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(parsed.getEncoded()));
                }
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("--tls-key " + file + " holds a key that cannot be read: " + e.getMessage());
            }
        }
        throw new IllegalArgumentException("--tls-key " + file + " holds no unencrypted PEM private key (BEGIN PRIVATE KEY, "
                + "BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY)");
    }

    private static List<Object> read(Path file, String flag) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(flag + " " + file + " is not a readable file");
        }
        List<Object> items = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file); PEMParser parser = new PEMParser(reader)) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                items.add(item);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(flag + " " + file + " is not a PEM file: " + e.getMessage());
        }
        return items;
    }

    /** The public key matching {@code key}, found by signing with it and verifying with the certificate's. */
    private static java.security.PublicKey publicKeyOf(PrivateKey key, X509Certificate certificate) {
        try {
            String algorithm = switch (key.getAlgorithm()) {
                case "RSA" -> "SHA256withRSA";
                case "EC", "ECDSA" -> "SHA256withECDSA";
                case "Ed25519", "EdDSA" -> "Ed25519";
                default -> null;
            };
            if (algorithm == null) {
                return certificate.getPublicKey(); // an algorithm we cannot test: let the handshake tell
            }
            byte[] probe = "conveyor".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.security.Signature signer = java.security.Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature) ? certificate.getPublicKey() : null;
        } catch (GeneralSecurityException e) {
            return null;
        }
    }
}
