package dev.conveyor.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Zipping and unzipping artifacts, and refusing archives that would escape their root (zip-slip). */
class ZipArchivesTest {
    @TempDir
    Path work;

    @Test
    void aDirectoryRoundTripsWithPermissionsAndInnerLinks() throws IOException {
        Path src = work.resolve("src");
        Files.createDirectories(src.resolve("bin"));
        Files.createDirectories(src.resolve("empty"));
        Files.writeString(src.resolve("bin/run.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(src.resolve("bin/run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(src.resolve("notes.txt"), "plain");
        Files.createSymbolicLink(src.resolve("run"), Path.of("bin/run.sh"));
        Path zip = work.resolve("a.zip");
        ZipArchives.zip(src, zip);

        Path out = work.resolve("out");
        ZipArchives.unzip(zip, out);
        assertThat(out.resolve("bin/run.sh")).hasContent("#!/bin/sh\necho hi");
        assertThat(Files.isExecutable(out.resolve("bin/run.sh"))).isTrue();
        assertThat(Files.isExecutable(out.resolve("notes.txt"))).isFalse();
        assertThat(Files.isDirectory(out.resolve("empty"))).isTrue();
        assertThat(Files.isSymbolicLink(out.resolve("run"))).isTrue();
        assertThat(Files.readSymbolicLink(out.resolve("run"))).isEqualTo(Path.of("bin/run.sh"));
    }

    @Test
    void zippingRefusesALinkPointingOutsideTheDirectory() throws IOException {
        Path src = work.resolve("src");
        Files.createDirectories(src);
        Files.createSymbolicLink(src.resolve("passwd"), Path.of("/etc/passwd"));
        assertThatThrownBy(() -> ZipArchives.zip(src, work.resolve("a.zip")))
                .isInstanceOf(UnsafeArchiveException.class).hasMessageContaining("passwd").hasMessageContaining("outside");
    }

    @Test
    void entriesEscapingTheRootAreRefusedAndNothingIsLeftBehind() throws IOException {
        for (String name : new String[] {"../evil.txt", "a/../../evil.txt", "/tmp/evil.txt", "a\\..\\..\\evil.txt", "./x"}) {
            Path zip = zipWith(Map.of("fine.txt", "ok", name, "pwned"), Map.of());
            Path out = work.resolve("out-" + Math.abs(name.hashCode()));
            assertThatThrownBy(() -> ZipArchives.unzip(zip, out)).as(name)
                    .isInstanceOf(UnsafeArchiveException.class).hasMessageContaining(name.replace('\\', '/'));
            try (var left = Files.list(out)) {
                assertThat(left).as("nothing extracted for " + name).isEmpty();
            }
        }
        assertThat(work.getParent().resolve("evil.txt")).doesNotExist();
        assertThat(work.resolve("evil.txt")).doesNotExist();
    }

    @Test
    void linksPointingOutsideAreRefusedEvenThroughOtherLinks() throws IOException {
        assertRefused(Map.of("link", "/etc"));
        assertRefused(Map.of("link", "../outside"));
        assertRefused(Map.of("d1/d2/link", "../../../outside"));
        // b -> ../../e resolves inside (to e), but then "b/../../f" climbs from the root: the lexical view would
        // say d1/f, the file system would go above the root.
        assertRefused(Map.of("d1/d2/b", "../../e", "d1/d2/a", "b/../../f"));
        assertRefused(Map.of("loop1", "loop2", "loop2", "loop1"));

        Path fine = zipWith(Map.of("d/target.txt", "t"), Map.of("d/link", "target.txt", "up", "d/../d/target.txt"));
        ZipArchives.unzip(fine, work.resolve("fine"));
        assertThat(work.resolve("fine/d/link")).hasContent("t");
        assertThat(work.resolve("fine/up")).hasContent("t");
    }

    @Test
    void theLimitsStopZipBombs() throws IOException {
        Path zip = zipWith(Map.of("big.txt", "x".repeat(10_000), "b.txt", "y"), Map.of());
        assertThatThrownBy(() -> ZipArchives.unzip(zip, work.resolve("o1"), new ZipArchives.Limits(5_000, 100)))
                .isInstanceOf(UnsafeArchiveException.class).hasMessageContaining("5000 bytes");
        assertThatThrownBy(() -> ZipArchives.unzip(zip, work.resolve("o2"), new ZipArchives.Limits(1_000_000, 1)))
                .isInstanceOf(UnsafeArchiveException.class).hasMessageContaining("entries");
    }

    @Test
    void unzippingIntoANonEmptyDirectoryIsRefused() throws IOException {
        Path zip = zipWith(Map.of("a.txt", "a"), Map.of());
        Files.createDirectories(work.resolve("busy"));
        Files.writeString(work.resolve("busy/existing"), "x");
        assertThatThrownBy(() -> ZipArchives.unzip(zip, work.resolve("busy"))).hasMessageContaining("not empty");
    }

    @Test
    void duplicateAndCollidingEntriesAreRefusedWithoutNamingAServerPath() throws IOException {
        Path twice = work.resolve("twice.zip");
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(twice)) {
            for (String name : new String[] {"a.txt", "a.txt"}) {
                out.putArchiveEntry(new ZipArchiveEntry(name));
                out.write(name.getBytes(StandardCharsets.UTF_8));
                out.closeArchiveEntry();
            }
        }
        Path out = work.resolve("out-twice");
        assertThatThrownBy(() -> ZipArchives.unzip(twice, out)).isInstanceOf(UnsafeArchiveException.class)
                .hasMessageContaining("'a.txt'").hasMessageContaining("more than one entry")
                .hasMessageNotContaining(work.toString());

        Path fileThenDirectory = zipWith(Map.of("a", "file", "a/b.txt", "inside"), Map.of());
        Path out2 = work.resolve("out-collide");
        assertThatThrownBy(() -> ZipArchives.unzip(fileThenDirectory, out2)).isInstanceOf(UnsafeArchiveException.class)
                .hasMessageContaining("a/b.txt").hasMessageNotContaining(work.toString());
        try (var left = Files.list(out2)) {
            assertThat(left).isEmpty();
        }
    }

    private void assertRefused(Map<String, String> links) throws IOException {
        Path zip = zipWith(Map.of("file.txt", "x"), links);
        Path out = work.resolve("out-" + System.nanoTime());
        assertThatThrownBy(() -> ZipArchives.unzip(zip, out)).as(links.toString()).isInstanceOf(UnsafeArchiveException.class);
        try (var left = Files.list(out)) {
            assertThat(left).isEmpty();
        }
    }

    private Path zipWith(Map<String, String> files, Map<String, String> links) throws IOException {
        Path zip = Files.createTempFile(work, "crafted", ".zip");
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
            for (var file : files.entrySet()) {
                out.putArchiveEntry(new ZipArchiveEntry(file.getKey()));
                out.write(file.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeArchiveEntry();
            }
            for (var link : links.entrySet()) {
                ZipArchiveEntry entry = new ZipArchiveEntry(link.getKey());
                entry.setUnixMode(0120777);
                out.putArchiveEntry(entry);
                out.write(link.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeArchiveEntry();
            }
        }
        return zip;
    }
}
