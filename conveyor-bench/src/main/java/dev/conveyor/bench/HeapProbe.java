package dev.conveyor.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures the Java heap a server process holds: {@code jcmd <pid> GC.run} (a full collection, so that what
 * remains is live data and not garbage waiting for the next collection), then {@code jcmd <pid> GC.heap_info},
 * whose first heap line reads e.g. {@code garbage-first heap   total reserved 6144000K, committed 262144K, used
 * 51234K}. The process's resident set size is read alongside, once the collection's freed memory is returned to
 * the system: it includes metaspace, code, thread stacks and the embedded database's cache outside the heap.
 * ZGC (for {@code --server-java-opts -XX:+UseZGC}) prints {@code ZHeap used 78M, capacity 378M, …} instead;
 * Shenandoah, Serial and Parallel (issue 20 compared the collectors) their own forms, read below.
 */
final class HeapProbe {
    private static final Pattern COMMITTED = Pattern.compile("committed (\\d+)K");
    private static final Pattern TOTAL = Pattern.compile("total (\\d+)K");
    private static final Pattern USED = Pattern.compile("used (\\d+)K");
    private static final Pattern Z_USED = Pattern.compile("ZHeap\\s+used (\\d+)M, capacity (\\d+)M");
    /** Shenandoah: {@code 6028M max, 6028M soft max, 45056K committed, 44899K used}. */
    private static final Pattern SHENANDOAH = Pattern.compile("(\\d+)K committed, (\\d+)K used");
    /** Serial and Parallel, one line per generation: {@code PSYoungGen total 210432K, used 3392K [...]}. */
    private static final Pattern GENERATION = Pattern.compile("(?m)^\\S+\\s+total (\\d+)K, used (\\d+)K");
    private static final Duration SETTLE_STEP = Duration.ofMillis(500);
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(15);

    private final Path jcmd;

    HeapProbe(Path jcmd) {
        this.jcmd = jcmd;
    }

    /** Heap in use after a full GC, committed heap, and resident set size. */
    record HeapUsage(long usedBytes, long committedBytes, long residentBytes) {
    }

    HeapUsage measure(ServerProcess server) throws IOException, InterruptedException {
        run(server.pid(), "GC.run");
        String info = run(server.pid(), "GC.heap_info");
        Matcher z = Z_USED.matcher(info);
        if (z.find()) {
            return new HeapUsage(Long.parseLong(z.group(1)) << 20, Long.parseLong(z.group(2)) << 20, settledResidentBytes(server));
        }
        Matcher shenandoah = SHENANDOAH.matcher(info);
        if (shenandoah.find()) {
            return new HeapUsage(Long.parseLong(shenandoah.group(2)) * 1024, Long.parseLong(shenandoah.group(1)) * 1024,
                    settledResidentBytes(server));
        }
        // Serial and Parallel print one unindented line per generation ("DefNew total 116224K, used 2563K […]").
        long generationsUsedKb = 0;
        long generationsTotalKb = 0;
        Matcher generation = GENERATION.matcher(info);
        while (generation.find()) {
            generationsTotalKb += Long.parseLong(generation.group(1));
            generationsUsedKb += Long.parseLong(generation.group(2));
        }
        if (generationsTotalKb > 0 && info.lines().noneMatch(l -> l.contains("heap") && l.contains("used"))) {
            return new HeapUsage(generationsUsedKb * 1024, generationsTotalKb * 1024, settledResidentBytes(server));
        }
        String heapLine = info.lines().filter(l -> l.contains("heap") && l.contains("used")).findFirst()
                .orElseThrow(() -> new IllegalStateException("unexpected jcmd GC.heap_info output:\n" + info));
        long used = kilobytes(USED, heapLine);
        Matcher committed = COMMITTED.matcher(heapLine);
        long committedKb = committed.find() ? Long.parseLong(committed.group(1)) : kilobytes(TOTAL, heapLine);
        return new HeapUsage(used * 1024, committedKb * 1024, settledResidentBytes(server));
    }

    /**
     * The classes holding the most of the heap, as {@code jcmd <pid> GC.class_histogram} prints them (it collects
     * first, so only live objects count): the first {@code rows} rows, for the log of a run whose heap row missed.
     */
    String histogram(ServerProcess server, int rows) throws IOException, InterruptedException {
        return String.join("\n", run(server.pid(), "GC.class_histogram").lines().limit(rows + 3L).toList());
    }

    /**
     * The resident set size once it stops falling. After a full GC that shrinks the heap, G1 hands the freed memory
     * back to the operating system from a background thread, over a few seconds after a busy phase: read at once, the
     * resident size could still count a gigabyte the process no longer holds.
     */
    private static long settledResidentBytes(ServerProcess server) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE_LIMIT.toNanos();
        long previous = server.residentBytes();
        while (System.nanoTime() < deadline) {
            Thread.sleep(SETTLE_STEP.toMillis());
            long now = server.residentBytes();
            if (now >= previous - previous / 100) { // less than 1% lower: settled
                return now;
            }
            previous = now;
        }
        return previous;
    }

    private static long kilobytes(Pattern pattern, String line) {
        Matcher m = pattern.matcher(line);
        if (!m.find()) {
            throw new IllegalStateException("no " + pattern + " in: " + line);
        }
        return Long.parseLong(m.group(1));
    }

    private String run(long pid, String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(jcmd.toString(), Long.toString(pid), command))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("jcmd " + pid + " " + command + " failed:\n" + output);
        }
        return output;
    }
}
