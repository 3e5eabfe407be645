package dev.conveyor.bench;

import java.time.Duration;

/**
 * What was measured of Conveyor with an execution history: written by {@link ExecutionSeeder} while it was stopped,
 * then launched on it, checked and read through the API ({@link HistoryReads}), and its memory measured.
 *
 * @param executions       executions written
 * @param pipelines        pipelines they are spread over
 * @param rows             rows written (executions, stages, actions, jobs, artifacts and their consumers, revisions)
 * @param seedTime         time to write them
 * @param restartToHealthy from launching Conveyor on that data to healthy
 * @param restartCpu       where the CPU went during that start
 * @param verifiedPipelines pipelines whose executions were compared one by one with what the API returns
 * @param verified         executions so compared
 * @param reads            the reads of every pipeline's history
 * @param heap             heap after a full GC once the history was read
 */
record HistoryResults(int executions, int pipelines, long rows, Duration seedTime, Duration restartToHealthy,
                      CpuUsage restartCpu, int verifiedPipelines, int verified, HistoryReads.Reads reads,
                      HeapProbe.HeapUsage heap) {
}
