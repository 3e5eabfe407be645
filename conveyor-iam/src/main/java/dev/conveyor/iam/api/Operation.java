package dev.conveyor.iam.api;

/** One Query operation: reads its validated parameters, acts, and writes its result elements (if it has any). */
@FunctionalInterface
interface Operation {
    void run(Params params, QueryRequest request, Xml result);
}
