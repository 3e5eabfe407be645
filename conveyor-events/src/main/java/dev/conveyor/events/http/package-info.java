/** The module's view of HTTP: requests and answers as plain records, so no servlet API is needed here. */
package dev.conveyor.events.http;
