package dev.conveyor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads the few Linux {@code /proc} figures the benchmark reports; every reader returns 0 or "" when absent. */
final class ProcFs {
    /** Kernel clock ticks per second for {@code /proc/stat}; 100 on every mainstream Linux build. */
    static final int TICKS_PER_SECOND = 100;

    private ProcFs() {
    }

    /** {@code VmRSS} of a process, in bytes. */
    static long residentBytes(long pid) {
        return kilobytesField(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:") * 1024;
    }

    /** {@code MemTotal} of the machine, in bytes. */
    static long totalMemoryBytes() {
        return kilobytesField(Path.of("/proc/meminfo"), "MemTotal:") * 1024;
    }

    /** The CPU model name, e.g. "AMD EPYC". */
    static String cpuModel() {
        for (String line : lines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "";
    }

    /** The 1-minute load average. */
    static String loadAverage() {
        List<String> lines = lines(Path.of("/proc/loadavg"));
        return lines.isEmpty() ? "" : lines.get(0).split(" ")[0];
    }

    /**
     * Busy CPU time of the whole machine so far (all cores, user + nice + system + irq + softirq + steal), in
     * nanoseconds; compared with the driver's and the server's own CPU time it tells how busy the rest of the
     * machine was during a measurement.
     */
    static long machineBusyNanos() {
        List<String> lines = lines(Path.of("/proc/stat"));
        if (lines.isEmpty() || !lines.get(0).startsWith("cpu ")) {
            return 0;
        }
        String[] f = lines.get(0).trim().split("\\s+");
        long ticks = 0;
        // cpu user nice system idle iowait irq softirq steal ...
        for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
            if (i < f.length) {
                ticks += Long.parseLong(f[i]);
            }
        }
        return ticks * (1_000_000_000L / TICKS_PER_SECOND);
    }

    private static long kilobytesField(Path file, String field) {
        for (String line : lines(file)) {
            if (line.startsWith(field)) {
                String[] parts = line.substring(field.length()).trim().split("\\s+");
                return Long.parseLong(parts[0]);
            }
        }
        return 0;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
