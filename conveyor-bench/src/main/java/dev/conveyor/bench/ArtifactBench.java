package dev.conveyor.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Artifact throughput: PUT and GET of one large artifact (1 GiB by default) through Conveyor's S3 endpoint, as
 * plaintext and encrypted (SSE-KMS, a keyring key), beside {@code cp} of the same file on the same disk (page cache
 * only, and followed by {@code sync} since a PUT is durable when it returns). Conveyor runs as a process on H2, as
 * a user starts it; the requests are plain HTTP from this process (unsigned requests are routed to S3), streamed
 * from and to files in the same directory by {@link FileTransferClient}. Writes the {@code artifacts} section of
 * docs/benchmarks.md.
 *
 * <pre>java -cp conveyor-bench/target/conveyor-bench.jar dev.conveyor.bench.ArtifactBench --root . [--mib 1024]
 *      [--runs 5] [--work DIR] [--report docs/benchmarks.md] [--server-java-opts "OPTIONS"]</pre>
 *
 * {@code --server-java-opts} passes JVM options to the Conveyor process, e.g. a flight recording of its uploads
 * ({@code -XX:StartFlightRecording:filename=/tmp/artifacts.jfr,settings=profile}).
 */
public final class ArtifactBench {
    private static final int BUFFER = 256 * 1024;
    /**
     * What issue 8 ("artifacts at half of cp or better") changed and the profiles that showed why, written into every
     * report so that re-runs keep it. The "before" figures are the report these changes started from.
     */
    private static final String BEFORE_AFTER = """
            **What `cp` is measured against here.** `cp` takes 0.2 s only because the kernel reuses the pages of the \
            file deleted just before; to a new file the same copy takes about 2 s, nearly all of it kernel time \
            (`/usr/bin/time -f %S cp artifact.zip new.zip`: 1.85 s), because this machine is a virtual machine whose host \
            hands memory over page by page as it is first touched and takes back what the guest frees. A durable copy, \
            `cp` + `sync`, takes about 1 s, and the disk alone needs 1.1 to 1.7 s to store a GiB durably and 0.4 s to read \
            one: no upload that returns once its bytes are on the disk can come within half of `cp`'s 0.2 s here, and no \
            download of a blob that is not in memory can pass half of it.

            **Before → after (issue 8).** The first report read PutObject 289 MiB/s, GetObject to a file 550, discarded \
            886; encrypted 160, 722 and 1033. Three rounds of profiling (JFR `jdk.ExecutionSample` and \
            `jdk.NativeMethodSample`, `perf record -a`, `strace -T`, per-thread CPU from `/proc`) changed, in order:

            - Uploads filled 8 KiB at a time: 131,072 hand-overs and write(2)s per GiB. Now 256 KiB buffers, 64 KiB \
            Jetty reads, and the MD5 on a platform thread of its own beside the request's sha256.
            - Encrypted objects computed an MD5 only for their ETag; they are declared SSE-KMS, whose ETags are not MD5s \
            in S3 either, and now derive it from the plaintext's sha256. AES-GCM is warmed up at first use (it ran \
            interpreted for the first ~1.25 GiB).
            - Large blobs (8 MiB and up) are written and read with direct I/O: through the page cache, writing a GiB of \
            new data cost 1.5 to 1.9 s of kernel CPU here (the fresh pages above), against 0.1 s direct, and reading an \
            uncached one 0.4 to 0.7 s against 0.07 s.
            - Reads were checked against the whole blob's sha256: 0.6 to 0.75 s of CPU per GiB, the largest cost of a \
            download. Each blob file now ends with a CRC32C of every 64 KiB (0.02 s per GiB), checked on the read-ahead \
            thread before a buffer is handed over, so a corrupted chunk fails the read before any of its bytes leave, and \
            ranged reads, unverified before, are checked by the chunks they touch. Same machine, same day, same \
            benchmark, before → after: GetObject discarded 1.01 → about 0.5 s, to a file 1.51 → 0.6 to 1.7 s (the \
            client's own page-cache writes vary the most), encrypted discarded 1.19 → about 0.75 s (decryption also runs \
            ahead on a thread of its own).
            - Ciphertext is no longer digested to name its blob (under a fresh data key per object it never repeats: \
            its blobs get random names), the artifact store no longer digests an artifact a second time beside the \
            object store nor re-checks what the local store verified, an upload of content already stored is not synced \
            twice, and the file of a large object replaced or deleted is unlinked off the request (0.3 to 0.4 s per \
            GiB). PutObject 3.43 → about 3.1 s, encrypted 3.57 → about 2.7 s.
            - The benchmark itself: files are sent with `sendfile(2)` and received through one native buffer, every \
            run starts from a synced disk, and every upload is other content (it used to send the same bytes, which a \
            store that keeps equal content once need not write again).

            What a plaintext GiB uploaded costs now, per thread (JFR): the MD5 S3 clients check as the ETag, 1.5 to \
            1.9 s on one core (`openssl speed -evp md5`: 680 MB/s on this CPU), beside the sha256 that names the blob \
            (0.75 s), the socket reads and copies on the request thread, and the disk's 1.1 to 1.7 s; encrypted, the \
            disk dominates. A download's floor is the disk's read (0.4 s per GiB) and the socket.
            """;


    private ArtifactBench() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Paths.get(".");
        long mib = 1024;
        int runs = 5;
        Path work = null;
        Path report = null;
        List<String> serverJavaOptions = List.of();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Paths.get(args[++i]);
                case "--mib" -> mib = Long.parseLong(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--work" -> work = Paths.get(args[++i]);
                case "--report" -> report = Paths.get(args[++i]);
                case "--server-java-opts" -> serverJavaOptions = args[++i].isBlank() ? List.of() : List.of(args[i].trim().split("\\s+"));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--root DIR --mib N --runs N --work DIR --report FILE --server-java-opts OPTIONS)");
            }
        }
        Path jar = root.resolve("conveyor-cli/target/conveyor-cli.jar").toAbsolutePath();
        Path dir = work != null ? work : Files.createTempDirectory(root.toAbsolutePath().resolve("conveyor-bench").resolve("target"), "artifacts-");
        Files.createDirectories(dir);
        MachineInfo machine = MachineInfo.collect();
        long bytes = mib * 1024 * 1024;
        Path source = dir.resolve("artifact.zip");
        System.err.printf("artifacts: writing a %d MiB file in %s%n", mib, dir);
        writeRandom(source, bytes);

        List<Row> rows = new ArrayList<>();
        rows.add(measure("`cp`", runs, bytes, dir, Output.REPLACED, NOTHING, out -> run("cp", source.toString(), out.toString())));
        rows.add(measure("`cp` + `sync`", runs, bytes, dir, Output.REPLACED, NOTHING, out -> {
            run("cp", source.toString(), out.toString());
            run("sync");
        }));
        rows.add(measure("`cp` to a new file", runs, bytes, dir, Output.NEW, NOTHING, out -> run("cp", source.toString(), out.toString())));
        // What the disk itself takes to store a GiB durably and to read one back, bypassing the page cache as
        // Conveyor does for large blobs: the floor of any upload and of any download of a blob not in memory.
        rows.add(measure("the disk alone, writing: `dd oflag=direct conv=fsync`", runs, bytes, dir, Output.NEW, NOTHING,
                out -> run("dd", "if=" + source, "of=" + out, "bs=4M", "oflag=direct", "conv=fsync", "status=none")));
        rows.add(measure("the disk alone, reading: `dd iflag=direct`", runs, bytes, dir, Output.NONE, NOTHING,
                out -> run("dd", "if=" + source, "of=/dev/null", "bs=4M", "iflag=direct", "status=none")));
        // The other floor of a plaintext upload: the MD5 S3 clients compare with its ETag, on one core (Java's, which
        // the server runs; the file is in the page cache, so this is the digest's time, not the disk's).
        // One untimed pass first: MD5 runs interpreted until the JIT compiles it with its intrinsic (the server's has
        // long been compiled by the time a GiB went through it); cold, a 64 MiB smoke run measured it 5× slower.
        md5(source);
        rows.add(measure(MD5_ROW, runs, bytes, dir, Output.NONE, NOTHING, out -> md5(source)));

        Path dataDir = dir.resolve("data");
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        try (ServerProcess server = ServerProcess.conveyor(java, serverJavaOptions, jar, dataDir, dir.resolve("conveyor.log"))) {
            server.awaitHealthy("/healthz", status -> status == 200);
            FileTransferClient client = new FileTransferClient(new InetSocketAddress("127.0.0.1", server.port()));
            client.exchange("PUT", "/bench-artifacts", Map.of(), null, null);
            for (boolean encrypted : new boolean[] {false, true}) {
                Map<String, String> headers = encrypted
                        ? Map.of("x-amz-server-side-encryption", "aws:kms", "x-amz-server-side-encryption-aws-kms-key-id", "alias/bench")
                        : Map.of();
                String label = encrypted ? " (AES-256-GCM)" : "";
                String key = "/bench-artifacts/" + (encrypted ? "encrypted" : "plain") + ".zip";
                // Each run uploads other content (its first bytes changed): a store that keeps equal content once would
                // otherwise only have to write the first run's.
                long[] uploads = {0};
                rows.add(measure("S3 PutObject" + label, runs, bytes, dir, Output.NONE, () -> stamp(source, ++uploads[0] + (encrypted ? 1000 : 0)),
                        out -> client.exchange("PUT", key, headers, source, null)));
                String sha = sha256(source);
                rows.add(measure("S3 GetObject to a file" + label, runs, bytes, dir, Output.REPLACED, NOTHING, out -> {
                    client.exchange("GET", key, Map.of(), null, out);
                    if (!sha.equals(sha256(out))) {
                        throw new IllegalStateException("the downloaded artifact differs from the uploaded one");
                    }
                }));
                rows.add(measure("S3 GetObject, discarded" + label, runs, bytes, dir, Output.NONE, NOTHING,
                        out -> client.exchange("GET", key, Map.of(), null, null)));
            }
        }
        recordTargets(rows, mib);
        String section = section(machine, mib, runs, rows);
        System.out.println(section);
        if (report != null) {
            String text = Files.readString(report);
            Files.writeString(report, ReportWriter.replace(text, "artifacts", section));
            System.err.println("artifacts: wrote the artifacts section of " + report);
        }
        deleteTree(dir);
    }

    private static final String MD5_ROW = "single-core MD5 (Java `MessageDigest`, file in the page cache)";
    private static final String DD_WRITE = "the disk alone, writing: `dd oflag=direct conv=fsync`";
    private static final String DD_READ = "the disk alone, reading: `dd iflag=direct`";

    /**
     * Issue 20's artifact targets, as ratios to the floors measured in this run (medians): a PUT against the larger
     * of the disk's durable write and one core's MD5, a GET against the disk's direct read ({@link Targets}).
     */
    private static void recordTargets(List<Row> rows, long mib) {
        double write = seconds(rows, DD_WRITE);
        double read = seconds(rows, DD_READ);
        double md5 = seconds(rows, MD5_ROW);
        double putFloor = Math.max(write, md5);
        String size = mib == 1024 ? "" : mib + " MiB, not 1 GiB: ";
        String putNote = String.format(Locale.ROOT, "%s%.2f s; dd %.2f s, MD5 %.2f s", size, seconds(rows, "S3 PutObject"), write, md5);
        Targets.record("art.put", seconds(rows, "S3 PutObject") / putFloor, putNote);
        Targets.record("art.put.enc", seconds(rows, "S3 PutObject (AES-256-GCM)") / putFloor, String.format(Locale.ROOT,
                "%s%.2f s", size, seconds(rows, "S3 PutObject (AES-256-GCM)")));
        Targets.record("art.get", seconds(rows, "S3 GetObject, discarded") / read, String.format(Locale.ROOT,
                "%s%.2f s; dd %.2f s", size, seconds(rows, "S3 GetObject, discarded"), read));
        Targets.record("art.get.enc", seconds(rows, "S3 GetObject, discarded (AES-256-GCM)") / read, String.format(Locale.ROOT,
                "%s%.2f s", size, seconds(rows, "S3 GetObject, discarded (AES-256-GCM)")));
        Targets.record("art.get.file", seconds(rows, "S3 GetObject to a file") * 1024.0 / mib, size.isEmpty() ? null
                : String.format(Locale.ROOT, "%s%.2f s, scaled to a GiB", size, seconds(rows, "S3 GetObject to a file")));
    }

    private static double seconds(List<Row> rows, String operation) {
        return rows.stream().filter(r -> r.operation().equals(operation)).findFirst().orElseThrow().median().toNanos() / 1e9;
    }

    /** The MD5 of a file, read 1 MiB at a time on this thread. */
    private static byte[] md5(Path file) throws IOException, java.security.NoSuchAlgorithmException {
        java.security.MessageDigest digest = java.security.MessageDigest.getInstance("MD5");
        byte[] buffer = new byte[1024 * 1024];
        try (java.io.InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return digest.digest();
    }

    private record Row(String operation, List<Duration> times, long bytes) {
        Duration median() {
            List<Duration> sorted = new ArrayList<>(times);
            Collections.sort(sorted);
            return sorted.get(sorted.size() / 2);
        }

        double mibPerSecond(Duration d) {
            return bytes / 1048576.0 / (d.toNanos() / 1e9);
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private static final Step NOTHING = () -> { };

    /** Writes {@code n} over the first 8 bytes of {@code file}, which stays in the page cache otherwise unchanged. */
    private static void stamp(Path file, long n) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(8).putLong(0, n), 0);
        }
    }

    /** Where a step's output goes. */
    private enum Output {
        /** Nowhere (uploads, discarded downloads). */
        NONE,
        /** A new file each run, kept until the row is measured: the kernel must find fresh pages for it. */
        NEW,
        /** One file, deleted before each run: the kernel reuses the pages it just freed. */
        REPLACED
    }

    @FunctionalInterface
    private interface Timed {
        void run(Path output) throws Exception;
    }

    /**
     * Times {@code runs} runs of a step, each one starting from a synced disk so that no run pays for writing back an
     * earlier one's gigabyte (times varied up to threefold before). The output files are deleted once the row is done.
     */
    private static Row measure(String operation, int runs, long bytes, Path dir, Output output, Step prepare, Timed step) throws Exception {
        List<Duration> times = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            prepare.run();
            Path out = output == Output.NONE ? null : dir.resolve(output == Output.NEW ? "output-" + i + ".zip" : "output.zip");
            if (out != null) {
                Files.deleteIfExists(out);
                outputs.add(out);
            }
            run("sync");
            long start = System.nanoTime();
            step.run(out);
            times.add(Duration.ofNanos(System.nanoTime() - start));
            System.err.printf("artifacts: %s run %d: %.2f s%n", operation, i + 1, times.getLast().toNanos() / 1e9);
        }
        for (Path out : outputs) {
            Files.deleteIfExists(out);
        }
        return new Row(operation, times, bytes);
    }

    private static String section(MachineInfo machine, long mib, int runs, List<Row> rows) {
        StringBuilder md = new StringBuilder();
        md.append("Measured ").append(machine.date().toInstant()).append(" on ").append(machine.cores()).append(" cores / ")
                .append(String.format(Locale.ROOT, "%.1f GiB", machine.memoryBytes() / 1073741824.0)).append(" with ").append(machine.jdk())
                .append(" (load average at start: ").append(machine.loadAverageAtStart()).append(").");
        if (busy(machine)) {
            md.append(" **The machine was busy with other processes when this run started: these figures are lower and noisier than on an "
                    + "idle machine.**");
        }
        md.append("\n\n");
        md.append("One ").append(mib >= 1024 && mib % 1024 == 0 ? (mib / 1024) + " GiB" : mib + " MiB")
                .append(" artifact of random bytes (each upload other content), median of ").append(runs).append(" runs, each from a ")
                .append("synced disk. Conveyor runs as a process on the embedded database; PUTs return once the blob is written (direct ")
                .append("I/O), fsynced and committed; GETs check every 64 KiB against its CRC32C (and, encrypted, every GCM tag) before ")
                .append("sending it; the client and the server share the machine's cores and disk. `cp` copies the same file (in the ")
                .append("page cache) over a file deleted just before, as GETs to a file write theirs.\n\n");
        md.append("| operation | MiB/s (median) | seconds (median) | speed as a share of `cp`'s | seconds (all runs) |\n"
                + "|---|---:|---:|---:|---|\n");
        double cp = rows.getFirst().median().toNanos();
        for (Row row : rows) {
            md.append("| ").append(row.operation()).append(" | ").append(String.format(Locale.ROOT, "%.0f", row.mibPerSecond(row.median())))
                    .append(" | ").append(String.format(Locale.ROOT, "%.2f", row.median().toNanos() / 1e9))
                    .append(" | ").append(String.format(Locale.ROOT, "%.0f%%", 100 * cp / row.median().toNanos())).append(" | ");
            List<String> all = row.times().stream().map(d -> String.format(Locale.ROOT, "%.2f", d.toNanos() / 1e9)).toList();
            md.append(String.join(", ", all)).append(" |\n");
        }
        md.append("\n").append(BEFORE_AFTER);
        md.append("\nReproduce: `bin/bench` builds the jars; then `java -cp conveyor-bench/target/conveyor-bench.jar ")
                .append("dev.conveyor.bench.ArtifactBench --root . --report docs/benchmarks.md` (about 5 minutes; `--mib 64 --runs 1` ")
                .append("for a smoke run).\n");
        return md.toString();
    }

    private static boolean busy(MachineInfo machine) {
        try {
            return Double.parseDouble(machine.loadAverageAtStart().trim().split("\\s+")[0]) > machine.cores() * 0.75;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String writeRandom(Path file, long bytes) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        Random random = new Random(42);
        byte[] buffer = new byte[BUFFER];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < bytes; written += buffer.length) {
                random.nextBytes(buffer);
                int n = (int) Math.min(buffer.length, bytes - written);
                sha.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
        }
        run("sync");
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[BUFFER];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                sha.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed");
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
