/** The JSON mapping shared by the API, the store and the CLI, so a declaration has one written form. */
package dev.conveyor.model.json;
