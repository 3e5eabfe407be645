package dev.conveyor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new user's first use of the S3 endpoint with the unmodified AWS CLI: make a bucket, copy a zip in (big enough
 * for the CLI to upload it in parts), turn versioning on, overwrite it, list versions, copy versions back out,
 * delete and see the delete marker, across a restart.
 */
class AwsCliS3Test {
    @TempDir
    Path work;

    private Path zip(String name, long seed) throws Exception {
        Path zip = work.resolve(name);
        byte[] blob = new byte[9 * 1024 * 1024]; // over the CLI's 8 MiB multipart threshold, incompressible
        new Random(seed).nextBytes(blob);
        try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(file)) {
            out.setLevel(0);
            out.putNextEntry(new ZipEntry("buildspec.yml"));
            out.write(("version: 0.2 # " + seed + "\n").getBytes());
            out.closeEntry();
            out.putNextEntry(new ZipEntry("target/app.bin"));
            out.write(blob);
            out.closeEntry();
        }
        return zip;
    }

    @Test
    void theAwsCliMakesABucketCopiesZipsAndListsTheirVersions() throws Exception {
        Path dataDir = work.resolve("data");
        Path first = zip("first.zip", 1);
        Path second = zip("second.zip", 2);
        try (ConveyorProcess server = ConveyorProcess.start(dataDir)) {
            AwsCli aws = new AwsCli(server.endpoint(), work);
            assertThat(aws.run("s3", "mb", "s3://e2e-artifacts").stdout()).contains("make_bucket: e2e-artifacts");
            aws.ok("s3api", "put-bucket-versioning", "--bucket", "e2e-artifacts", "--versioning-configuration", "Status=Enabled");
            assertThat(aws.ok("s3api", "get-bucket-versioning", "--bucket", "e2e-artifacts").get("Status").asText()).isEqualTo("Enabled");

            AwsCli.Result copied = aws.run("s3", "cp", first.toString(), "s3://e2e-artifacts/builds/app.zip");
            assertThat(copied.exitCode()).as(copied.stderr()).isZero();
            assertThat(aws.run("s3", "cp", second.toString(), "s3://e2e-artifacts/builds/app.zip").exitCode()).isZero();
            AwsCli.Result small = aws.run("s3", "cp", work.resolve("first.zip").toString(), "s3://e2e-artifacts/other file.zip");
            assertThat(small.exitCode()).as(small.stderr()).isZero();

            AwsCli.Result ls = aws.run("s3", "ls", "s3://e2e-artifacts/builds/");
            assertThat(ls.exitCode()).as(ls.stderr()).isZero();
            assertThat(ls.stdout()).contains("app.zip").contains(Long.toString(Files.size(second)));
            assertThat(aws.run("s3", "ls", "s3://e2e-artifacts/").stdout()).contains("PRE builds/").contains("other file.zip");
            assertThat(aws.run("s3", "ls").stdout()).contains("e2e-artifacts");

            JsonNode versions = aws.ok("s3api", "list-object-versions", "--bucket", "e2e-artifacts", "--prefix", "builds/");
            assertThat(versions.get("Versions")).hasSize(2);
            assertThat(versions.at("/Versions/0/IsLatest").asBoolean()).isTrue();
            assertThat(versions.at("/Versions/0/Size").asLong()).isEqualTo(Files.size(second));
            String firstVersion = versions.at("/Versions/1/VersionId").asText();

            Path back = work.resolve("back.zip");
            assertThat(aws.run("s3", "cp", "s3://e2e-artifacts/builds/app.zip", back.toString()).exitCode()).isZero();
            assertThat(back).hasSameBinaryContentAs(second);
            Path old = work.resolve("old.zip");
            aws.ok("s3api", "get-object", "--bucket", "e2e-artifacts", "--key", "builds/app.zip", "--version-id", firstVersion, old.toString());
            assertThat(old).hasSameBinaryContentAs(first);

            assertThat(server.terminate()).as("SIGTERM ends the server cleanly").isIn(0, 143);
            assertThat(server.output()).doesNotContain("ERROR").doesNotContain("Exception");
        }
        try (ConveyorProcess restarted = ConveyorProcess.start(dataDir)) {
            AwsCli aws = new AwsCli(restarted.endpoint(), work);
            assertThat(aws.run("s3", "rm", "s3://e2e-artifacts/builds/app.zip").exitCode()).isZero();
            JsonNode versions = aws.ok("s3api", "list-object-versions", "--bucket", "e2e-artifacts", "--prefix", "builds/");
            assertThat(versions.get("Versions")).hasSize(2);
            assertThat(versions.at("/DeleteMarkers/0/IsLatest").asBoolean()).isTrue();
            AwsCli.Result gone = aws.run("s3api", "head-object", "--bucket", "e2e-artifacts", "--key", "builds/app.zip");
            assertThat(gone.exitCode()).isNotZero();
            assertThat(gone.stderr()).contains("404");
            AwsCli.Result missing = aws.run("s3", "ls", "s3://no-such-bucket-e2e/");
            assertThat(missing.exitCode()).isNotZero();
            assertThat(missing.stderr()).contains("NoSuchBucket");
        }
    }
}
