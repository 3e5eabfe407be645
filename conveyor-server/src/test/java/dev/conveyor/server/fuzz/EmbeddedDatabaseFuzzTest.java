package dev.conveyor.server.fuzz;

/** The fuzz suite on the embedded H2 database. */
class EmbeddedDatabaseFuzzTest extends ServiceModelFuzzing {
    @Override
    String databaseKind() {
        return "h2";
    }
}
