package dev.conveyor.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * HTTP/1.1 uploads and downloads of whole files, one request per connection, for the artifact benchmark.
 *
 * <p>Why not curl or {@code HttpURLConnection}: the client shares two cores with the server it measures, so what it
 * spends is taken from the server. Both spent it in avoidable copies: {@code HttpURLConnection} reads the file into
 * a heap array and writes 16 KiB at a time (about 0.3 s of CPU per GiB uploaded, twice curl's); curl writes a
 * download in 16 KiB pieces, which made "GetObject to a file" vary from 0.9 to 3 s on this machine with the client's
 * own system time. Here an upload is sent with {@code sendfile(2)} ({@link FileChannel#transferTo}) and a download
 * moves through one 1 MiB native buffer from the socket to the file, the way {@code cp} moves a file.
 */
final class FileTransferClient {
    private static final int BUFFER = 1024 * 1024;

    private final InetSocketAddress server;

    FileTransferClient(InetSocketAddress server) {
        this.server = server;
    }

    /**
     * Sends {@code method path} with the file {@code upload} as its body (null: an empty body) and stores the response
     * body in {@code download} (null: read and discarded). Fails unless the status is 2xx.
     */
    void exchange(String method, String path, Map<String, String> headers, Path upload, Path download) throws IOException {
        try (SocketChannel socket = SocketChannel.open(server)) {
            long length = 0;
            FileChannel body = null;
            try {
                if (upload != null) {
                    body = FileChannel.open(upload, StandardOpenOption.READ);
                    length = body.size();
                }
                StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ")
                        .append(server.getHostString()).append(':').append(server.getPort()).append("\r\nConnection: close\r\n");
                // Signed by the benchmark's administrator key, as Conveyor requires since authentication is enforced; the
                // body is declared UNSIGNED-PAYLOAD (as S3 clients do over TLS) so that signing costs no pass over the file.
                Map<String, String> all = new java.util.LinkedHashMap<>(headers);
                all.put("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
                all.putAll(new dev.conveyor.testkit.TestSigner(dev.conveyor.testkit.TestCredentials.ACCESS_KEY_ID,
                        dev.conveyor.testkit.TestCredentials.SECRET_ACCESS_KEY, AwsJsonRequest.REGION).sign(method,
                        java.net.URI.create("http://" + server.getHostString() + ":" + server.getPort() + path), all, null, "s3"));
                all.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
                if (upload != null || "PUT".equals(method) || "POST".equals(method)) {
                    head.append("Content-Length: ").append(length).append("\r\n");
                }
                writeFully(socket, ByteBuffer.wrap(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1)));
                for (long sent = 0; sent < length; ) {
                    sent += body.transferTo(sent, length - sent, socket);
                }
            } finally {
                if (body != null) {
                    body.close();
                }
            }
            readResponse(socket, method + " " + path, download);
        }
    }

    private static void readResponse(SocketChannel socket, String request, Path download) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
        byte[] head = new byte[64 * 1024];
        int headLength = 0;
        ResponseFraming framing = null;
        while (framing == null) {
            buffer.limit(head.length - headLength); // no more than the head buffer takes: nothing read is dropped
            int n = socket.read(buffer);
            if (n < 0) {
                throw new IOException(request + ": the server closed the connection before answering");
            }
            buffer.flip();
            int take = buffer.remaining();
            buffer.get(head, headLength, take);
            headLength += take;
            buffer.clear();
            framing = ResponseFraming.parseHead(head, 0, headLength);
            if (framing == null && headLength == head.length) {
                throw new IOException(request + ": a response head longer than " + head.length + " bytes");
            }
        }
        if (framing.status() / 100 != 2) {
            throw new IOException(request + " answered " + framing.status() + ": "
                    + new String(head, 0, headLength, StandardCharsets.UTF_8));
        }
        if (framing.chunked()) {
            throw new IOException(request + ": a chunked response, which this client does not read");
        }
        long expected = framing.bodyless() ? 0 : framing.contentLength();
        try (FileChannel file = download == null ? null
                : FileChannel.open(download, StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
            // The body bytes that came in with the head.
            buffer.put(head, framing.bodyStart(), headLength - framing.bodyStart());
            long received = buffer.position();
            while (true) {
                if (expected >= 0 && received > expected) {
                    throw new IOException(request + ": more body than its Content-Length " + expected);
                }
                if (received == expected || !buffer.hasRemaining()) {
                    buffer.flip();
                    if (file != null) {
                        writeFully(file, buffer);
                    }
                    buffer.clear();
                    if (received == expected) {
                        return;
                    }
                }
                int n = socket.read(buffer);
                if (n < 0) {
                    if (expected < 0) {
                        buffer.flip();
                        if (file != null) {
                            writeFully(file, buffer);
                        }
                        return;
                    }
                    throw new IOException(request + ": the body ended after " + received + " of " + expected + " bytes");
                }
                received += n;
            }
        }
    }

    private static void writeFully(WritableByteChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
