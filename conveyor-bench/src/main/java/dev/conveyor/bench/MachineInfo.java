package dev.conveyor.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The machine and software a run measured, for the report's header: cores, memory, CPU, OS, JDK, moto, date,
 * and the load average when the run began.
 */
record MachineInfo(int cores, long memoryBytes, String cpuModel, String os, String jdk, String moto,
                   ZonedDateTime date, String loadAverageAtStart) {

    static MachineInfo collect() {
        String jdk = System.getProperty("java.vm.vendor", "") + " " + System.getProperty("java.runtime.name", "")
                + " " + System.getProperty("java.runtime.version", "");
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch");
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), ProcFs.totalMemoryBytes(),
                ProcFs.cpuModel(), os, jdk.trim(), motoVersion(), ZonedDateTime.now().withNano(0),
                ProcFs.loadAverage());
    }

    /** The first words of a report section: "Measured <date> on <cores> cores / <memory> GiB with <JDK> (load average at start: …)". */
    String measuredOn() {
        return "Measured " + date + " on " + cores + " cores / " + String.format(java.util.Locale.ROOT, "%.1f GiB", memoryBytes / 1073741824.0)
                + " with " + jdk + " (load average at start: " + loadAverageAtStart + ")";
    }

    /** moto's and Python's versions, as seen by the {@code python3} on PATH (the one moto_server normally uses). */
    private static String motoVersion() {
        try {
            Process p = new ProcessBuilder(List.of("python3", "-c",
                    "import sys, moto; print('moto ' + moto.__version__ + ', Python ' + sys.version.split()[0])"))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return out;
            }
        } catch (IOException e) {
            // Reported as unknown below.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "moto (version unknown)";
    }
}
