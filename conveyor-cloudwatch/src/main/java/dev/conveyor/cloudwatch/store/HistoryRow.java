package dev.conveyor.cloudwatch.store;

import java.time.Instant;

/** One alarm history item: ConfigurationUpdate or StateUpdate, its summary and its data (JSON). */
public record HistoryRow(long id, String alarmName, Instant at, String itemType, String summary, String data) {
}
