/**
 * The fuzz suite: for every operation of every service model the server loads, valid requests generated from the
 * model and mutated into malformed ones, sent over plain HTTP. Only the suite and its generators live here; fixes
 * for what it finds belong in the layer the failure comes from.
 */
package dev.conveyor.server.fuzz;
