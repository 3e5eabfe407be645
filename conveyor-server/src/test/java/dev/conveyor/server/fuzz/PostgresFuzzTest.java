package dev.conveyor.server.fuzz;

/** The fuzz suite on PostgreSQL, which, unlike H2, cannot store a NUL character in text. */
class PostgresFuzzTest extends ServiceModelFuzzing {
    @Override
    String databaseKind() {
        return "postgresql";
    }
}
