package dev.conveyor.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.server.ServerFixture;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's bundle as a real server serves it (the conveyor-console jar on its classpath): browsers at / are
 * sent to /console/, index.html is revalidated, hashed assets are immutable, compressed copies are chosen by
 * Accept-Encoding, ETags answer 304, and the console's own routes fall back to index.html.
 */
class ConsoleEndpointTest {
    private static ServerFixture fixture;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        fixture = new ServerFixture("h2");
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fixture.endpoint() + path)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void browsersAtTheRootAreRedirectedToTheConsoleWhileOtherClientsStillReachS3() throws Exception {
        HttpResponse<byte[]> browser = get("/", "Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
        assertThat(browser.statusCode()).isEqualTo(302);
        assertThat(browser.headers().firstValue("Location")).hasValue("/console/");

        HttpResponse<byte[]> curl = get("/", "Accept", "*/*");
        assertThat(curl.statusCode()).as("anonymous S3 ListBuckets, as before").isNotEqualTo(302);
        assertThat(new String(curl.body(), StandardCharsets.UTF_8)).contains("<?xml");
    }

    @Test
    void indexIsRevalidatedAndConsoleRoutesFallBackToIt() throws Exception {
        HttpResponse<byte[]> index = get("/console/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(index.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(index.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(c -> assertThat(c).contains("default-src 'self'"));
        String html = new String(index.body(), StandardCharsets.UTF_8);
        assertThat(html).contains("<div id=\"root\"></div>").containsPattern("/console/assets/index-[A-Za-z0-9_-]+\\.js");

        HttpResponse<byte[]> route = get("/console/pipelines/conveyor-demo/executions");
        assertThat(route.statusCode()).isEqualTo(200);
        assertThat(route.body()).isEqualTo(index.body());

        assertThat(get("/console/assets/missing-0000.js").statusCode()).isEqualTo(404);
        assertThat(get("/console/../pom.xml").statusCode()).isIn(400, 404);
    }

    @Test
    void hashedAssetsAreImmutableCompressedAndAnswerConditionalRequests() throws Exception {
        String html = new String(get("/console/").body(), StandardCharsets.UTF_8);
        Matcher script = Pattern.compile("/console/assets/index-[A-Za-z0-9_-]+\\.js").matcher(html);
        assertThat(script.find()).isTrue();
        String path = script.group();

        HttpResponse<byte[]> identity = get(path);
        assertThat(identity.statusCode()).isEqualTo(200);
        assertThat(identity.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        assertThat(identity.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(identity.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));

        HttpResponse<byte[]> gzip = get(path, "Accept-Encoding", "gzip");
        assertThat(gzip.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(gzip.headers().firstValue("Vary")).hasValue("Accept-Encoding");
        assertThat(gzip.body().length).isLessThan(identity.body().length / 2);
        assertThat(new GZIPInputStream(new ByteArrayInputStream(gzip.body())).readAllBytes()).isEqualTo(identity.body());

        HttpResponse<byte[]> brotli = get(path, "Accept-Encoding", "gzip, deflate, br");
        assertThat(brotli.headers().firstValue("Content-Encoding")).hasValue("br");
        assertThat(brotli.body().length).isLessThan(gzip.body().length);
        assertThat(get(path, "Accept-Encoding", "br;q=0, gzip").headers().firstValue("Content-Encoding")).hasValue("gzip");

        String etag = brotli.headers().firstValue("ETag").orElseThrow();
        HttpResponse<byte[]> again = get(path, "Accept-Encoding", "br", "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }
}
