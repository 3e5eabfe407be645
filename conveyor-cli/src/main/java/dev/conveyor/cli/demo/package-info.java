/**
 * The demo behind {@code conveyor server --demo}: a sample app seeded into the server's own object store and a
 * pipeline (a resource file) that builds, tests and deploys it with nothing but bash. Nothing here is needed by
 * the server itself or by the client commands.
 */
package dev.conveyor.cli.demo;
