/**
 * The server's assembly: configuration and the one class that wires database, repositories, APIs and HTTP
 * together by constructor. Subpackages hold the protocols and APIs; nothing below depends on this package.
 */
package dev.conveyor.server;
