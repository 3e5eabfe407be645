/** HTTP entry: the router that sends each request to the protocol that serves it. No API logic lives here. */
package dev.conveyor.server.http;
