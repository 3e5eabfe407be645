package dev.conveyor.server.tls;

import java.security.KeyStore;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** The HTTPS listener: the HTTP listener's settings, over TLS with the given key store. */
public final class HttpsConnectors {
    public static final String NAME = "https";

    private HttpsConnectors() {
    }

    /**
     * @param plain            the HTTP configuration the plain listener uses (copied, not changed)
     * @param inputBufferSize  as the plain listener's (64 KiB: large uploads in fewer reads)
     */
    public static ServerConnector create(Server jetty, HttpConfiguration plain, int inputBufferSize, KeyStore keys, String host, int port) {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(keys);
        tls.setKeyStorePassword(PemKeyStores.PASSWORD);
        tls.setKeyManagerPassword(PemKeyStores.PASSWORD);
        HttpConfiguration https = new HttpConfiguration(plain);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // Clients reach a CI server by many names (an IP, a container's name, a tunnel): the certificate's names are
        // the client's business, as with any HTTPS server; Jetty's own SNI-to-Host check would refuse them.
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        HttpConnectionFactory http1 = new HttpConnectionFactory(https);
        http1.setInputBufferSize(inputBufferSize);
        ServerConnector connector = new ServerConnector(jetty, new SslConnectionFactory(tls, http1.getProtocol()), http1);
        connector.setName(NAME);
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }
}
