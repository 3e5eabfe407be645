package dev.conveyor.cli.client;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every client command has: the options that say where the server is ({@link ClientOptions}), and its own
 * picocli spec, whose writers it prints to (so tests can capture the output). Picocli reads the annotated fields
 * of superclasses too, so a command only declares what is its own.
 */
abstract class ClientCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Spec
    CommandSpec spec;
}
