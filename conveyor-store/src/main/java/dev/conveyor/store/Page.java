package dev.conveyor.store;

import java.util.List;

/** A page of results and the key to continue after it ({@code null} on the last page). */
public record Page<T>(List<T> items, String nextKey) {
}
