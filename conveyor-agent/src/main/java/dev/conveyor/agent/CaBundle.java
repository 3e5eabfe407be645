package dev.conveyor.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The certificate authorities a client trusts for HTTPS, as the AWS tools take them: a PEM bundle given with
 * {@code --ca-bundle} or {@code AWS_CA_BUNDLE}, which then replaces the system's authorities (a server with a
 * self-signed certificate names its bundle when it starts). Without one, the JDK's defaults.
 */
public final class CaBundle {
    /** The environment variable the AWS CLI and SDKs read. */
    public static final String ENVIRONMENT = "AWS_CA_BUNDLE";

    private final Path file;
    private final TrustManager[] trustManagers;

    private CaBundle(Path file, TrustManager[] trustManagers) {
        this.file = file;
        this.trustManagers = trustManagers;
    }

    /** The JDK's default authorities. */
    public static CaBundle system() {
        return new CaBundle(null, null);
    }

    /** {@code explicit} if given, else {@code $AWS_CA_BUNDLE} if set, else the system's authorities. */
    public static CaBundle resolve(Path explicit) {
        if (explicit != null) {
            return of(explicit);
        }
        String fromEnvironment = System.getenv(ENVIRONMENT);
        return fromEnvironment == null || fromEnvironment.isBlank() ? system() : of(Path.of(fromEnvironment));
    }

    /**
     * The authorities in a PEM file.
     *
     * @throws IllegalArgumentException a file that cannot be read or holds no certificate, naming it
     */
    public static CaBundle of(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates = java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("the CA bundle " + file + " holds no PEM certificate");
            }
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                trusted.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            return new CaBundle(file, factory.getTrustManagers());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("the CA bundle " + file + " does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CA bundle " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the CA bundle " + file + " is not a PEM certificate file: " + e.getMessage());
        }
    }

    /** The bundle's file, or null for the system's authorities. */
    public Path file() {
        return file;
    }

    /** For the AWS SDK's {@code tlsTrustManagersProvider}; null means the JDK's defaults. */
    public TrustManager[] trustManagers() {
        return trustManagers;
    }

    /** For {@link java.net.http.HttpClient.Builder#sslContext}. */
    public SSLContext sslContext() {
        try {
            if (trustManagers == null) {
                return SSLContext.getDefault();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS", e);
        }
    }
}
