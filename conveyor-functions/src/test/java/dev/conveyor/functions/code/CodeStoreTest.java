package dev.conveyor.functions.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.functions.errors.InvalidParameterValueException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Code zips by content, unpacked inside their task root and nowhere else. */
class CodeStoreTest {
    @TempDir
    Path dataDir;

    @Test
    void keepsZipsByContentAndUnpacksThemOnce() throws Exception {
        CodeStore store = new CodeStore(dataDir);
        byte[] zip = zip("app.py", "print('hi')");
        StoredCode first = store.store(zip, "Code.ZipFile");
        StoredCode again = store.store(zip, "Code.ZipFile");
        assertThat(again).isEqualTo(first);
        assertThat(first.size()).isEqualTo(zip.length);
        Path root = store.taskRoot(first.sha256Hex());
        assertThat(root.resolve("app.py")).hasContent("print('hi')");
        assertThat(store.taskRoot(first.sha256Hex())).isEqualTo(root);
        store.delete(first.sha256Hex());
        assertThat(root).doesNotExist();
        assertThat(store.zip(first.sha256Hex())).doesNotExist();
    }

    @Test
    void refusesWhatIsNotAZipAndNeverWritesOutsideTheTaskRoot() throws Exception {
        CodeStore store = new CodeStore(dataDir);
        assertThatThrownBy(() -> store.store("not a zip".getBytes(StandardCharsets.UTF_8), "Code.ZipFile"))
                .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("Could not unzip uploaded file");
        try (var files = Files.list(dataDir.resolve("functions").resolve("code"))) {
            assertThat(files).as("nothing kept of a refused zip").isEmpty();
        }

        assertThatThrownBy(() -> store.store(zip("../../escaped.txt", "gotcha"), "Code.ZipFile"))
                .as("an entry climbing out of the root").isInstanceOf(InvalidParameterValueException.class);
        assertThat(dataDir.resolve("functions").resolve("escaped.txt")).doesNotExist();
        assertThat(dataDir.resolve("escaped.txt")).doesNotExist();
    }

    private static byte[] zip(String name, String content) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.putNextEntry(new ZipEntry(name));
            out.write(content.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return bytes.toByteArray();
    }
}
