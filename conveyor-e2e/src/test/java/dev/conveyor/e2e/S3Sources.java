package dev.conveyor.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Sources for the S3 source action, put in place with the AWS CLI as a user would. */
final class S3Sources {
    private S3Sources() {
    }

    /**
     * Makes {@code bucket} with versioning on (the S3 source action requires it) and copies into it, as {@code key},
     * a zip holding one file.
     */
    static void putZip(AwsCli aws, Path work, String bucket, String key, String fileName, String content) throws Exception {
        Path zip = work.resolve("app.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry(fileName));
            out.write(content.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        aws.succeed("s3", "mb", "s3://" + bucket);
        aws.ok("s3api", "put-bucket-versioning", "--bucket", bucket, "--versioning-configuration", "Status=Enabled");
        aws.succeed("s3", "cp", zip.toString(), "s3://" + bucket + "/" + key);
    }
}
