package dev.conveyor.bench;

import java.time.Duration;
import java.util.List;

/**
 * Everything measured for one server in a run.
 *
 * @param server          "Conveyor" or "moto"
 * @param command         how the server process was started
 * @param startToHealthy  from launching the process (empty data) to the first healthy answer
 * @param restartToHealthy from launching it again on the loaded data to healthy, or null when not measured
 * @param restartCpu      where the CPU went during that start, or null
 * @param pipelines       pipelines stored
 * @param loadTime        time to store them
 * @param loadCpu         where the CPU went while storing them
 * @param listing         how the server pages the listing of all of them
 * @param heap            heap and resident memory after loading (heap null when the server is not a JVM)
 * @param residentBytes   resident memory after loading
 * @param loads           the load measurements, one per workload
 * @param history         start and memory with an execution history, or null when not measured
 */
record ServerResults(String server, List<String> command, Duration startToHealthy, Duration restartToHealthy,
                     CpuUsage restartCpu, int pipelines, Duration loadTime, CpuUsage loadCpu, PipelineLoader.Listing listing,
                     HeapProbe.HeapUsage heap, long residentBytes, List<LoadResult> loads, HistoryResults history) {

    LoadResult load(String workload) {
        return loads.stream().filter(l -> l.workload().equals(workload)).findFirst().orElse(null);
    }
}
