package dev.conveyor.bench;

/**
 * Where the CPU went during a measurement, in cores (1.0 = one core fully busy on average): the load driver, the
 * server, and everything else on the machine. On a 2-core machine the driver and the server compete, so these
 * figures are needed to read the throughput; "other" above a few tenths means something else (another build)
 * was running and the figures are disturbed.
 */
record CpuUsage(double clientCores, double serverCores, double otherCores) {
    /** Above this many cores used by other processes, a measurement is flagged as disturbed. */
    static final double DISTURBED_OTHER_CORES = 0.25;

    boolean disturbed() {
        return otherCores > DISTURBED_OTHER_CORES;
    }

    /** A reading of the counters at one instant. */
    record Sample(long wallNanos, long machineBusyNanos, long clientNanos, long serverNanos) {
        static Sample take(ServerProcess server) {
            long client = ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos()).orElse(0L);
            return new Sample(System.nanoTime(), ProcFs.machineBusyNanos(), client, server.cpuTime().toNanos());
        }

        CpuUsage until(Sample later) {
            double wall = later.wallNanos - wallNanos;
            double client = (later.clientNanos - clientNanos) / wall;
            double server = (later.serverNanos - serverNanos) / wall;
            double machine = (later.machineBusyNanos - machineBusyNanos) / wall;
            return new CpuUsage(client, server, Math.max(0, machine - client - server));
        }
    }
}
