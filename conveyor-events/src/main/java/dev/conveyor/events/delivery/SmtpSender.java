package dev.conveyor.events.delivery;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.UUID;

/**
 * Sends plain-text e-mail over SMTP to the configured server ({@code --smtp-host}, {@code --smtp-port},
 * {@code --smtp-from}): EHLO, MAIL FROM, RCPT TO, DATA with a UTF-8 body in base64. No TLS or authentication: the
 * server is expected to be a local relay. Without a host, sending fails (the delivery is retried, then dead-lettered).
 */
public final class SmtpSender {
    private final String host;
    private final int port;
    private final String from;
    private final int timeoutMillis;

    public SmtpSender(String host, int port, String from, int timeoutMillis) {
        this.host = host;
        this.port = port;
        this.from = from;
        this.timeoutMillis = timeoutMillis;
    }

    public void send(String to, String subject, String text) throws IOException {
        if (host == null) {
            throw new IOException("no SMTP server is configured (--smtp-host)");
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            expect(in, 220);
            command(out, in, "EHLO conveyor", 250);
            command(out, in, "MAIL FROM:<" + from + ">", 250);
            command(out, in, "RCPT TO:<" + to + ">", 250);
            command(out, in, "DATA", 354);
            StringBuilder m = new StringBuilder();
            m.append("From: ").append(from).append("\r\n");
            m.append("To: ").append(to).append("\r\n");
            m.append("Subject: =?UTF-8?B?").append(Base64.getEncoder().encodeToString(subject.getBytes(StandardCharsets.UTF_8))).append("?=\r\n");
            m.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now())).append("\r\n");
            m.append("Message-ID: <").append(UUID.randomUUID()).append("@conveyor>\r\n");
            m.append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");
            String body = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(text.getBytes(StandardCharsets.UTF_8));
            m.append(body).append("\r\n.\r\n");
            out.write(m.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            expect(in, 250);
            command(out, in, "QUIT", 221);
        }
    }

    private static void command(OutputStream out, BufferedReader in, String line, int code) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expect(in, code);
    }

    private static void expect(BufferedReader in, int code) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("the SMTP server closed the connection");
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        if (!line.startsWith(Integer.toString(code))) {
            throw new IOException("SMTP: expected " + code + ", got: " + line);
        }
    }
}
