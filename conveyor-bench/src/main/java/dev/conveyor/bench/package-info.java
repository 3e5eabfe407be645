/**
 * The load driver behind {@code bin/bench}: starts Conveyor and moto as real processes on loopback, loads the same
 * pipelines into both, drives identical raw HTTP requests at them from concurrent clients and writes the figures to
 * {@code docs/benchmarks.md}.
 *
 * <p>{@link dev.conveyor.bench.BenchMain} wires the run; each other class has one job: {@link
 * dev.conveyor.bench.ServerProcess} (a server process and its health), {@link dev.conveyor.bench.HttpConnection}
 * (one keep-alive connection sending pre-serialized requests), {@link dev.conveyor.bench.PipelineLoader} (storing
 * and verifying the pipelines), {@link dev.conveyor.bench.LoadDriver} (closed-loop load with latency histograms),
 * {@link dev.conveyor.bench.HeapProbe} (memory of the server), {@link dev.conveyor.bench.ExecutionSeeder} (an
 * execution history written into the stopped server's database), {@link dev.conveyor.bench.HistoryReads} (checking
 * and reading that history through the API), {@link dev.conveyor.bench.ApiReport} (the Markdown
 * section) and {@link dev.conveyor.bench.ReportWriter} (replacing that section in the document). Benchmarks of the
 * engine in-process (orchestration, conditions, events…) start their server through {@link dev.conveyor.bench.BenchServer}
 * (a server with a no-op agent, a signed client, create/start/await); new ones should too. {@link
 * dev.conveyor.bench.CacheHeapProbe} attributes the heap with 10,000 pipelines stored to the server's caches, one by
 * one (a diagnostic, not a row). Nothing here is part of the
 * product or of the test suite.
 */
package dev.conveyor.bench;
