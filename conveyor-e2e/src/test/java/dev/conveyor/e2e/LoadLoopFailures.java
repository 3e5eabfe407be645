package dev.conveyor.e2e;

import java.util.List;

/** The failed samples of a load loop, described for an assertion message. */
final class LoadLoopFailures {
    private LoadLoopFailures() {
    }

    static List<String> of(List<LoadLoop.Sample> samples) {
        return samples.stream().filter(s -> s.failure() != null).map(LoadLoop.Sample::failure).toList();
    }
}
