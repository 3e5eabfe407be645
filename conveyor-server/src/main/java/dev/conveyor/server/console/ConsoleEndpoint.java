package dev.conveyor.server.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code GET /console/…}: the console's files from the classpath ({@code console/} in the conveyor-console jar).
 * <ul>
 *   <li>Files under {@code assets/} have a content hash in their name: cached for a year, immutable.</li>
 *   <li>{@code index.html}, and any path that is not a file (the console's own routes, e.g.
 *       {@code /console/pipelines/x}), answer index.html with {@code Cache-Control: no-cache}, so a new build is seen
 *       at the next load.</li>
 *   <li>Every file has a strong ETag (its SHA-256) and answers {@code If-None-Match} with 304.</li>
 *   <li>The build writes {@code .br} and {@code .gz} copies of text files: they are sent to clients that accept
 *       them ({@code Content-Encoding}, {@code Vary: Accept-Encoding}).</li>
 * </ul>
 */
public final class ConsoleEndpoint {
    public static final String PREFIX = "/console";
    private static final String ROOT = "console/";
    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    static final String REVALIDATE = "no-cache";
    /** Everything the console needs comes from this server; inline styles are React Flow's positioning. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "json", "application/json", "png", "image/png",
            "ico", "image/x-icon", "txt", "text/plain; charset=utf-8", "woff2", "font/woff2", "map", "application/json");

    private final ClassLoader loader;
    private final Map<String, Resource> cache = new ConcurrentHashMap<>();

    private record Resource(byte[] bytes, String etag) {
    }

    public ConsoleEndpoint() {
        this(ConsoleEndpoint.class.getClassLoader());
    }

    ConsoleEndpoint(ClassLoader loader) {
        this.loader = loader;
    }

    /** Whether the console's bundle is on the classpath (the jar was built with it). */
    public boolean available() {
        return resource("index.html").isPresent();
    }

    public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            response.setHeader("Allow", "GET, HEAD");
            plain(response, 405, "The console is read with GET");
            return;
        }
        String path = request.getRequestURI();
        if (path.equals(PREFIX)) {
            response.setStatus(301);
            response.setHeader("Location", PREFIX + "/");
            return;
        }
        if (!path.startsWith(PREFIX + "/")) {
            plain(response, 404, "Nothing is served at " + path);
            return;
        }
        String name = path.substring(PREFIX.length() + 1);
        if (name.contains("..") || name.contains("\\") || name.startsWith("/")) {
            plain(response, 404, "Nothing is served at " + path);
            return;
        }
        boolean asset = name.startsWith("assets/");
        Optional<Resource> file = name.isEmpty() || name.endsWith("/") ? Optional.empty() : resource(name);
        if (file.isEmpty()) {
            if (asset || lastSegment(name).contains(".")) { // a missing file, not one of the console's routes
                plain(response, 404, "No console file " + name);
                return;
            }
            name = "index.html";
            file = resource(name);
            if (file.isEmpty()) {
                plain(response, 404, "The console was not built into this server (conveyor-console with -Dconsole.skip)");
                return;
            }
        }
        String encoding = encodingFor(request, name);
        Resource body = encoding == null ? file.get() : resource(name + (encoding.equals("br") ? ".br" : ".gz")).orElseThrow();
        String etag = "\"" + file.get().etag() + (encoding == null ? "" : "-" + encoding) + "\"";
        response.setHeader("Cache-Control", asset ? IMMUTABLE : REVALIDATE);
        response.setHeader("ETag", etag);
        response.setHeader("Vary", "Accept-Encoding");
        response.setHeader("X-Content-Type-Options", "nosniff");
        if (name.equals("index.html")) {
            response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            response.setHeader("Referrer-Policy", "no-referrer");
        }
        String ifNoneMatch = request.getHeader("If-None-Match");
        if (ifNoneMatch != null && (ifNoneMatch.contains(etag) || ifNoneMatch.trim().equals("*"))) {
            response.setStatus(304);
            return;
        }
        response.setStatus(200);
        response.setContentType(TYPES.getOrDefault(extension(name), "application/octet-stream"));
        if (encoding != null) {
            response.setHeader("Content-Encoding", encoding);
        }
        response.setContentLength(body.bytes().length);
        if ("GET".equals(method)) {
            response.getOutputStream().write(body.bytes());
        }
    }

    /** br, then gzip, when the client accepts it (q=0 refuses) and the build made that copy. */
    private String encodingFor(HttpServletRequest request, String name) {
        String accept = request.getHeader("Accept-Encoding");
        if (accept == null) {
            return null;
        }
        for (String candidate : new String[] {"br", "gzip"}) {
            if (accepts(accept, candidate) && resource(name + (candidate.equals("br") ? ".br" : ".gz")).isPresent()) {
                return candidate;
            }
        }
        return null;
    }

    static boolean accepts(String header, String coding) {
        for (String part : header.toLowerCase(Locale.ROOT).split(",")) {
            String[] pieces = part.trim().split(";");
            if (!pieces[0].trim().equals(coding) && !pieces[0].trim().equals("*")) {
                continue;
            }
            for (int i = 1; i < pieces.length; i++) {
                String p = pieces[i].trim();
                if (p.startsWith("q=")) {
                    try {
                        return Double.parseDouble(p.substring(2)) > 0;
                    } catch (NumberFormatException e) {
                        return false;
                    }
                }
            }
            return true;
        }
        return false;
    }

    /** A file of the bundle, read once; names that are not files are not remembered (any path can be asked for). */
    private Optional<Resource> resource(String name) {
        Resource cached = cache.get(name);
        if (cached != null) {
            return Optional.of(cached);
        }
        try (InputStream in = loader.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            Resource read = new Resource(bytes, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16));
            cache.putIfAbsent(name, read);
            return Optional.of(read);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String lastSegment(String name) {
        return name.substring(name.lastIndexOf('/') + 1);
    }

    private static String extension(String name) {
        String last = lastSegment(name);
        int dot = last.lastIndexOf('.');
        return dot < 0 ? "" : last.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static void plain(HttpServletResponse response, int status, String message) throws IOException {
        byte[] bytes = (message + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("text/plain; charset=utf-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
