package dev.conveyor.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * The administrator's access key a test server wrote to {@code <data-dir>/admin-credentials} at its first start: what
 * git over HTTP authenticates with (hosted repositories need credentials), as HTTP Basic in a URL or a header.
 */
record AdministratorKey(String accessKeyId, String secretAccessKey) {

    static AdministratorKey of(Path dataDir) {
        try {
            String id = null;
            String secret = null;
            for (String line : Files.readAllLines(dataDir.resolve("admin-credentials"), StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String name = line.substring(0, eq).strip();
                String value = line.substring(eq + 1).strip();
                if (name.equals("aws_access_key_id")) {
                    id = value;
                } else if (name.equals("aws_secret_access_key")) {
                    secret = value;
                }
            }
            return new AdministratorKey(id, secret);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code url} (http://host:port/…) with this key as its user info: git sends it as Basic credentials. */
    String inUrl(String url) {
        int scheme = url.indexOf("://") + 3;
        return url.substring(0, scheme) + URLEncoder.encode(accessKeyId, StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(secretAccessKey, StandardCharsets.UTF_8) + "@" + url.substring(scheme);
    }

    /** The {@code Authorization} header value of HTTP Basic with this key. */
    String basicAuthorization() {
        return "Basic " + Base64.getEncoder().encodeToString((accessKeyId + ":" + secretAccessKey).getBytes(StandardCharsets.UTF_8));
    }
}
