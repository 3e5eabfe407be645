package dev.conveyor.cli.demo;

import dev.conveyor.artifacts.ZipArchives;
import dev.conveyor.artifacts.object.ObjectStore;
import dev.conveyor.artifacts.object.ObjectVersion;
import dev.conveyor.artifacts.object.ObjectWrite;
import dev.conveyor.artifacts.object.S3Exception;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The demo's sample app (resources under {@code /demo/sample-app/}), zipped into a versioned bucket of the server's
 * object store, where the demo pipeline's S3 source reads it. Written in-process rather than through an S3 client
 * so the demo works before (and regardless of) the S3 endpoint.
 */
public final class DemoSampleApp {
    public static final String BUCKET = "conveyor-demo-sources";
    public static final String KEY = "sample-app.zip";
    /** Resource directories cannot be listed inside a jar, so the files are named here. */
    private static final List<String> FILES = List.of("README.md", "VERSION", "greet.sh", "test.sh", "appspec.yml",
            "scripts/install.sh", "scripts/start.sh", "scripts/validate.sh");

    private DemoSampleApp() {
    }

    /**
     * Puts the sample app unless the object is already there (a user may have uploaded a version of their own).
     *
     * @return the version written, or empty when the object existed
     */
    public static Optional<ObjectVersion> seed(ObjectStore objects) {
        try {
            objects.headObject(BUCKET, KEY, null);
            return Optional.empty();
        } catch (S3Exception missing) {
            // NoSuchBucket or NoSuchKey: seed below.
        }
        try {
            objects.headBucket(BUCKET);
        } catch (S3Exception missing) {
            objects.createBucket(BUCKET);
            objects.setVersioning(BUCKET, true);
        }
        Path work = null;
        try {
            work = Files.createTempDirectory("conveyor-demo-");
            Path app = Files.createDirectory(work.resolve("sample-app"));
            for (String name : FILES) {
                try (InputStream in = DemoSampleApp.class.getResourceAsStream("/demo/sample-app/" + name)) {
                    if (in == null) {
                        throw new IllegalStateException("the resource /demo/sample-app/" + name + " is missing from the build");
                    }
                    Files.createDirectories(app.resolve(name).getParent());
                    Files.copy(in, app.resolve(name));
                }
            }
            Path zip = work.resolve(KEY);
            ZipArchives.zip(app, zip);
            try (InputStream in = Files.newInputStream(zip)) {
                return Optional.of(objects.putObject(BUCKET, KEY, ObjectWrite.plain().withLength(Files.size(zip))
                        .withContentType("application/zip"), in));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot package the demo's sample app", e);
        } finally {
            deleteQuietly(work);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A temporary directory left behind is harmless.
        }
    }
}
