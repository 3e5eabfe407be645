package dev.conveyor.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What the embedded database's file holds, as H2 reports it ({@code info.*} in INFORMATION_SCHEMA.SETTINGS): the
 * chunks whose metadata H2 keeps in the heap and reads at every start, the file's size, and how much of the chunks'
 * bytes are still live. {@link EmbeddedCompaction} keeps the first bounded; operators see all three in the metrics.
 */
public record EmbeddedFile(long chunks, long sizeBytes, int chunksFillPercent) {

    /** Reads the figures of the embedded database {@code c} belongs to (a connection of {@link Database.Kind#H2}). */
    public static EmbeddedFile of(Connection c) throws SQLException {
        long chunks = -1;
        long size = -1;
        int fill = -1;
        try (var s = c.prepareStatement("SELECT setting_name, setting_value FROM information_schema.settings "
                + "WHERE setting_name IN ('info.CHUNK_COUNT', 'info.FILE_SIZE', 'info.CHUNKS_FILL_RATE')");
             var r = s.executeQuery()) {
            while (r.next()) {
                switch (r.getString(1)) {
                    case "info.CHUNK_COUNT" -> chunks = Long.parseLong(r.getString(2));
                    case "info.FILE_SIZE" -> size = Long.parseLong(r.getString(2));
                    case "info.CHUNKS_FILL_RATE" -> fill = Integer.parseInt(r.getString(2));
                    default -> { }
                }
            }
        }
        return new EmbeddedFile(chunks, size, fill);
    }
}
