/**
 * Functions' code: zips kept by content (SHA-256) under the data dir and unpacked once into the task roots instances run
 * in. No database and no processes here.
 */
package dev.conveyor.functions.code;
