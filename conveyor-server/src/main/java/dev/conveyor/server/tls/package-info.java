/**
 * HTTPS for the server's listener: key stores made in memory from PEM files (a certificate chain and its PKCS#8 or
 * PKCS#1 key), and the self-signed certificate authority and server certificate made on first start under
 * {@code <data-dir>/tls}. PEM parsing and certificate generation are BouncyCastle's; Jetty's connector setup stays in
 * {@link dev.conveyor.server.ConveyorServer}.
 */
package dev.conveyor.server.tls;
